/** What the dashboard needs to know about its deployment, from the gateway. */
export interface ClientConfig {
  /** The OpenID Connect issuer the dashboard signs in with (Keycloak's realm URL). */
  authority: string;
  /** The public client of the dashboard in that realm. */
  clientId: string;
}

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<ClientConfig> {
  const response = await fetcher('/api/v1/client-config', { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`the gateway's client configuration answered ${response.status}`);
  }
  return (await response.json()) as ClientConfig;
}
