package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.ErasureService;
import io.smbcopilot.auth.service.RetentionService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant itself: its retention settings and its erasure. */
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

  /** The owner's confirmation: the business's name, typed. */
  public record ErasureRequest(@NotNull @Size(max = 200) String confirm) {}

  private final RetentionService retention;
  private final ErasureService erasure;
  private final TenantContext context;

  public TenantResource(RetentionService retention, ErasureService erasure, TenantContext context) {
    this.retention = retention;
    this.erasure = erasure;
    this.context = context;
  }

  @DELETE
  @Operation(
      summary = "Erase the tenant and everything it holds",
      description =
          "Confirmed with the business's name. Everything is erased when the grace period"
              + " (copilot.tenant.erasure-grace, 14 days) has passed, unless an owner cancels"
              + " before: documents, conversations, workflows and runs, notifications, webhooks,"
              + " API keys, the audit log, and the people, who can no longer sign in. Only that an"
              + " erasure happened is kept.")
  @APIResponse(
      responseCode = "202",
      description = "asked: when it will be done",
      content = @Content(schema = @Schema(implementation = ErasureService.Erasure.class)))
  @APIResponse(responseCode = "400", description = "the confirmation is not the business's name")
  @APIResponse(responseCode = "409", description = "asked already")
  public Uni<Response> erase(@NotNull @Valid ErasureRequest request) {
    return erasure
        .request(context.tenantId(), Actor.of(context), request.confirm())
        .map(e -> Response.accepted(e).build());
  }

  @GET
  @Path("/erasure")
  @Operation(summary = "The tenant's erasure, if one was asked")
  @APIResponse(responseCode = "200", description = "asked: when it will be done")
  @APIResponse(responseCode = "404", description = "none was asked")
  public Uni<ErasureService.Erasure> erasure() {
    return erasure.get(context.tenantId());
  }

  @DELETE
  @Path("/erasure")
  @Operation(summary = "Cancel the tenant's erasure while it is not done")
  @APIResponse(responseCode = "204", description = "cancelled: nothing will be erased")
  @APIResponse(responseCode = "404", description = "none was asked")
  public Uni<Void> cancelErasure() {
    return erasure.cancel(context.tenantId(), Actor.of(context));
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
