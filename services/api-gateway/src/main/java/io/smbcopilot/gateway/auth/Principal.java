package io.smbcopilot.gateway.auth;

import io.smbcopilot.security.Permission;
import io.smbcopilot.security.PrincipalType;
import java.util.List;

/**
 * The caller as the gateway established it, before it becomes an internal token.
 *
 * @param subject user id or API key id
 * @param permissions what the caller may do (an API key's scopes)
 */
public record Principal(
    PrincipalType type,
    String subject,
    String tenantId,
    String plan,
    List<String> roles,
    List<String> permissions,
    List<String> scopes) {

  public static final Principal ANONYMOUS =
      new Principal(
          PrincipalType.ANONYMOUS, "anonymous", null, null, List.of(), List.of(), List.of());

  public boolean has(Permission permission) {
    return permissions.contains(permission.value());
  }
}
