import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';
import { ProblemError, problemOf, unreachable } from './problem';

export type Schemas = components['schemas'];
export type Api = ReturnType<typeof createClient<paths>>;

/**
 * The typed client of the public API (types generated from the gateway's merged OpenAPI
 * document): every request carries the signed-in user's access token; every refusal becomes a
 * ProblemError with the API's problem+json.
 */
export function apiClient(token: () => string | null, fetcher: typeof fetch = (r) => fetch(r)): Api {
  const client = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '', fetch: fetcher });
  const auth: Middleware = {
    onRequest({ request }) {
      const current = token();
      if (current) {
        request.headers.set('Authorization', `Bearer ${current}`);
      }
      return request;
    },
    async onResponse({ response }) {
      if (!response.ok) {
        throw new ProblemError(await problemOf(response));
      }
      return response;
    },
    onError({ error }) {
      if (error instanceof ProblemError) {
        return error;
      }
      return new ProblemError(unreachable(error));
    },
  };
  client.use(auth);
  return client;
}

/** The data of an answer the middleware let through (it throws on every refusal). */
export async function data<T>(call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data: body, error } = await call;
  if (error !== undefined) {
    throw error instanceof ProblemError ? error : new ProblemError(unreachable(error));
  }
  return body as T;
}
