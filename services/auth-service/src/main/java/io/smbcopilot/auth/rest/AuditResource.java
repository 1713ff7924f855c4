package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.AuditService;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit-events")
@Tag(name = "identity")
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.AUDIT_READ)
public class AuditResource {
  private final AuditService audit;
  private final TenantContext context;

  public AuditResource(AuditService audit, TenantContext context) {
    this.audit = audit;
    this.context = context;
  }

  @GET
  @Operation(
      summary = "The audit log, newest first",
      description =
          "Filters: from and to (ISO-8601 instants), actor (a user id, API key id or service),"
              + " action (exact, or a prefix ending in *, e.g. member.*).")
  @APIResponse(responseCode = "200", description = "a page of audit events")
  @APIResponse(responseCode = "400", description = "a bad filter or cursor")
  public Uni<Page<AuditService.AuditEvent>> search(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("actor") String actor,
      @QueryParam("action") String action,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    String before = Paging.decode(cursor);
    Long seq;
    try {
      seq = before == null ? null : Long.parseLong(before);
    } catch (NumberFormatException e) {
      throw ProblemException.invalid("cursor", "not a cursor this API gave out");
    }
    return audit
        .search(
            context.tenantId(),
            time("from", from),
            time("to", to),
            blank(actor),
            blank(action),
            seq,
            size)
        .map(items -> Page.of(items, size, e -> Paging.encode(Long.toString(e.seq()))));
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static OffsetDateTime time(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ProblemException.invalid(
          name, "an ISO-8601 date-time with offset, e.g. 2026-01-31T12:00:00Z");
    }
  }
}
