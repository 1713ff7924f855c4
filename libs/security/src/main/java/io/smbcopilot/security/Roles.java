package io.smbcopilot.security;

/**
 * The roles of a verified internal token's identity, for {@code @RolesAllowed}. Permissions are the
 * identity's string permissions, for {@code @PermissionsAllowed} (see {@link Permission}).
 */
public final class Roles {
  /** A user or an API key of a tenant: what every endpoint needs unless it says otherwise. */
  public static final String TENANT = "tenant";

  /** A platform service calling another on its own behalf. */
  public static final String SERVICE = "service";

  private Roles() {}

  /** The role that names the principal's type ({@code user}, {@code api-key}, ...). */
  public static String of(PrincipalType type) {
    return type.claim();
  }
}
