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

  /**
   * The subject of a person (a user of the dashboard); a 403 problem with {@code detail} when the
   * caller is an API key or a service, for what only a person does (leave, export, preferences).
   */
  public String person(String detail) {
    if (principalType() != PrincipalType.USER) {
      throw new ProblemException(ProblemType.FORBIDDEN, detail);
    }
    return subject();
  }

  /**
   * The request id: the token's, or (a token the gateway shares among a caller's calls has none)
   * the one this request's {@code X-Request-Id} gave the log context.
   */
  public String requestId() {
    String id = token().requestId();
    if (id != null) {
      return id;
    }
    Object logged = org.jboss.logging.MDC.get(io.smbcopilot.problem.RequestId.MDC_KEY);
    return logged == null ? null : logged.toString();
  }

  public String clientIp() {
    return token().clientIp();
  }
}
