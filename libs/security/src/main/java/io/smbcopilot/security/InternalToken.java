package io.smbcopilot.security;

import java.util.List;
import java.util.Objects;

/**
 * What a service knows about a request: the claims of the internal token the gateway minted.
 *
 * @param tenantId the tenant, from the verified credential only (null for anonymous and service
 *     calls)
 * @param subject the user id, the API key id, or the calling service's name
 * @param principalType who the subject is
 * @param roles the subject's roles in the tenant (empty for API keys)
 * @param permissions what the subject may do (for an API key: its scopes)
 * @param scopes an API key's scopes (empty otherwise)
 * @param requestId the request id the gateway assigned or kept
 * @param clientIp the client address the gateway saw
 * @param plan the tenant's plan
 */
public record InternalToken(
    String tenantId,
    String subject,
    PrincipalType principalType,
    List<String> roles,
    List<String> permissions,
    List<String> scopes,
    String requestId,
    String clientIp,
    String plan) {

  public static final String ISSUER = "smb-copilot-gateway";
  public static final String AUDIENCE = "smb-copilot-services";
  public static final String ALGORITHM = "ES256";
  public static final int MAX_LIFETIME_SECONDS = 60;

  public static final String CLAIM_TENANT = "tid";
  public static final String CLAIM_PRINCIPAL_TYPE = "ptype";
  public static final String CLAIM_ROLES = "roles";
  public static final String CLAIM_PERMISSIONS = "perms";
  public static final String CLAIM_SCOPES = "scopes";
  public static final String CLAIM_REQUEST_ID = "rid";
  public static final String CLAIM_CLIENT_IP = "ip";
  public static final String CLAIM_PLAN = "plan";

  public InternalToken {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(principalType, "principalType");
    roles = roles == null ? List.of() : List.copyOf(roles);
    permissions = permissions == null ? List.of() : List.copyOf(permissions);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }

  public boolean has(Permission permission) {
    return permissions.contains(permission.value());
  }

  /** A platform service's own token, for a call it makes itself. */
  public static InternalToken service(String name, String requestId) {
    return new InternalToken(
        null, name, PrincipalType.SERVICE, List.of(), List.of(), List.of(), requestId, null, null);
  }

  public static InternalToken anonymous(String requestId, String clientIp) {
    return new InternalToken(
        null,
        "anonymous",
        PrincipalType.ANONYMOUS,
        List.of(),
        List.of(),
        List.of(),
        requestId,
        clientIp,
        null);
  }
}
