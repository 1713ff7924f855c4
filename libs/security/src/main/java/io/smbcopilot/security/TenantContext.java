package io.smbcopilot.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * Who is calling, for the request being handled: the internal token that Quarkus Security verified
 * for it ({@link InternalTokenIdentityProvider}). The tenant id comes from here and nowhere else.
 */
@RequestScoped
public class TenantContext {
  private final SecurityIdentity identity;

  public TenantContext(SecurityIdentity identity) {
    this.identity = identity;
  }

  public boolean present() {
    return identity.getAttribute(InternalTokenIdentityProvider.TOKEN_ATTRIBUTE) != null;
  }

  public InternalToken token() {
    InternalToken token = identity.getAttribute(InternalTokenIdentityProvider.TOKEN_ATTRIBUTE);
    if (token == null) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "no verified internal token");
    }
    return token;
  }

  /** The caller's tenant; 403 for a caller without one (anonymous, service). */
  public UUID tenantId() {
    String tenant = token().tenantId();
    if (tenant == null) {
      throw new ProblemException(ProblemType.FORBIDDEN, "this call needs a tenant");
    }
    return UUID.fromString(tenant);
  }

  public String subject() {
    return token().subject();
  }

  public PrincipalType principalType() {
    return token().principalType();
  }

  public boolean has(Permission permission) {
    return present() && token().has(permission);
  }

  /** 403 problem unless the caller has the permission. */
  public void require(Permission permission) {
    if (!has(permission)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "this needs the permission " + permission.value());
    }
  }

  public String requestId() {
    return token().requestId();
  }

  public String clientIp() {
    return token().clientIp();
  }
}
