package io.smbcopilot.security;

import io.quarkus.security.PermissionsAllowed;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;

/** Endpoints with each kind of rule, for SecurityTest. */
@Path("/api/v1/probe")
public class ProbeResource {
  private final TenantContext context;

  public ProbeResource(TenantContext context) {
    this.context = context;
  }

  /** No annotation: the default, a user or API key of a tenant. */
  @GET
  @Path("/member")
  public Map<String, String> member() {
    return Map.of(
        "tenant", context.tenantId().toString(),
        "subject", context.subject(),
        "type", context.principalType().claim());
  }

  @GET
  @Path("/reader")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  public String reader() {
    return "read";
  }

  @GET
  @Path("/public")
  @PermitAll
  public String open() {
    return "open to " + context.principalType().claim();
  }

  @GET
  @Path("/internal")
  @RolesAllowed(Roles.SERVICE)
  public String internal() {
    return "service " + context.subject();
  }
}
