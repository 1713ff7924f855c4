package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.RetentionService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant itself: its retention settings. */
@Path("/api/v1/tenant")
@Tag(name = "identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.TENANT_MANAGE)
public class TenantResource {
  /** Days kept by kind, 1 to 3650; null or left out keeps that kind for ever. */
  public record RetentionRequest(
      @Min(1) @Max(3650) Integer conversationsDays,
      @Min(1) @Max(3650) Integer runsDays,
      @Min(1) @Max(3650) Integer notificationsDays,
      @Min(1) @Max(3650) Integer deliveriesDays,
      @Min(1) @Max(3650) Integer auditLogDays) {}

  private final RetentionService retention;
  private final TenantContext context;

  public TenantResource(RetentionService retention, TenantContext context) {
    this.retention = retention;
    this.context = context;
  }

  @GET
  @Path("/retention")
  @Operation(summary = "How long the tenant's data is kept")
  @APIResponse(responseCode = "200", description = "the settings (null days: kept for ever)")
  public Uni<RetentionService.RetentionSettings> retention() {
    return retention.get(context.tenantId());
  }

  @PUT
  @Path("/retention")
  @Operation(
      summary = "Set how long the tenant's data is kept",
      description =
          "Replaces the settings. Each service deletes its own data past them within the hour"
              + " (copilot.retention.every): conversations and finished runs, notifications,"
              + " webhook deliveries and sent or failed mails, audit log entries.")
  @APIResponse(responseCode = "200", description = "the settings now")
  @APIResponse(responseCode = "400", description = "a number of days out of 1 to 3650")
  public Uni<RetentionService.RetentionSettings> setRetention(
      @NotNull @Valid RetentionRequest request) {
    return retention.update(
        context.tenantId(),
        Actor.of(context),
        new RetentionService.RetentionSettings(
            request.conversationsDays(),
            request.runsDays(),
            request.notificationsDays(),
            request.deliveriesDays(),
            request.auditLogDays(),
            null,
            null));
  }
}
