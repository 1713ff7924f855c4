package io.smbcopilot.ingestion.service;

import io.smbcopilot.security.TenantContext;
import java.util.List;
import java.util.UUID;

/** Who asks, as far as collection access goes. */
public record Caller(UUID tenantId, String subject, List<String> roles) {
  /** Owners and admins see and write every collection of their tenant. */
  public boolean privileged() {
    return roles.contains("owner") || roles.contains("admin");
  }

  public static Caller of(TenantContext context) {
    return new Caller(context.tenantId(), context.subject(), context.token().roles());
  }
}
