package io.smbcopilot.security;

/** Who is behind a request, as the gateway established it. */
public enum PrincipalType {
  /** A person signed in with Keycloak. */
  USER,
  /** A partner integration with an API key. */
  API_KEY,
  /** A platform service calling another (the gateway asking auth-service, for instance). */
  SERVICE,
  /** A public route (sign-up, accepting an invitation): no tenant, no permissions. */
  ANONYMOUS;

  public String claim() {
    return name().toLowerCase().replace('_', '-');
  }

  public static PrincipalType fromClaim(String value) {
    return valueOf(value.toUpperCase().replace('-', '_'));
  }
}
