package io.smbcopilot.security;

import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * Who is calling, for the request being handled: filled by {@link InternalAuthFilter} from the
 * verified internal token. The tenant id comes from here and nowhere else.
 */
@RequestScoped
public class TenantContext {
  private InternalToken token;

  void set(InternalToken token) {
    this.token = token;
  }

  public boolean present() {
    return token != null;
  }

  public InternalToken token() {
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
    return token != null && token.has(permission);
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
