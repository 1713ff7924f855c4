package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.exports.TenantExports;
import io.smbcopilot.workflow.rest.TenantExportResource.Page;
import io.smbcopilot.workflow.rest.TenantExportResource.View;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A person's own exports (issue 18, the right of access and to data portability): every person of
 * the business, whatever their role, can take what the platform keeps about them, in the same open
 * formats as the business's export, and only they see their exports.
 */
@Path("/api/v1/me")
@Tag(name = "identity")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class PersonalExportResource {
  static final String BASE = "/api/v1/me/exports/";

  private final TenantExports exports;
  private final TenantContext context;
  private final ObjectMapper json;

  public PersonalExportResource(TenantExports exports, TenantContext context, ObjectMapper json) {
    this.exports = exports;
    this.context = context;
    this.json = json;
  }

  private String person() {
    return context.person("only a person has data of their own to export");
  }

  @POST
  @Path("/export")
  @Operation(
      summary = "Export your own data",
      description =
          "Builds, in the background, one zip of what the platform keeps about you in the"
              + " business: your membership, the audit entries of what you did and what was done"
              + " to your membership, your conversations and their messages, the runs you started,"
              + " the workflows you own, your notifications, preferences and mails, the API keys"
              + " and webhooks you made (no secrets), as JSON Lines with a manifest of SHA-256s."
              + " You are notified (in the app and by mail) when it is ready; only you can"
              + " download it, until it expires (copilot.exports.expire-after, 7 days). One is"
              + " built at a time.")
  @APIResponse(responseCode = "202", description = "being built; Location says where to look")
  @APIResponse(responseCode = "403", description = "an API key: only a person has data to export")
  @APIResponse(responseCode = "409", description = "another export of yours is being built")
  public Uni<Response> request() {
    return exports
        .request(context.tenantId(), person(), true)
        .map(
            e ->
                Response.accepted(TenantExportResource.view(json, e, BASE))
                    .location(URI.create(BASE + e.id()))
                    .build());
  }

  @GET
  @Path("/exports")
  @Operation(summary = "Your own exports, newest first")
  @APIResponse(responseCode = "403", description = "an API key")
  public Uni<Page> list() {
    return exports
        .list(context.tenantId(), person())
        .map(
            all ->
                new Page(all.stream().map(e -> TenantExportResource.view(json, e, BASE)).toList()));
  }

  @GET
  @Path("/exports/{id}")
  @Operation(summary = "One of your own exports")
  @APIResponse(responseCode = "404", description = "no such export of yours")
  public Uni<View> get(@PathParam("id") UUID id) {
    return exports
        .get(context.tenantId(), person(), id)
        .map(e -> TenantExportResource.view(json, e, BASE));
  }

  @GET
  @Path("/exports/{id}/archive")
  @Produces({"application/zip", "application/problem+json"})
  @io.smallrye.common.annotation.Blocking
  @Operation(summary = "Download one of your own exports")
  @APIResponse(responseCode = "200", description = "the zip")
  @APIResponse(responseCode = "404", description = "no such export of yours")
  @APIResponse(responseCode = "409", description = "still being built, or it failed")
  @APIResponse(responseCode = "410", description = "it expired: ask for a new one")
  public Response archive(@PathParam("id") UUID id) {
    return TenantExportResource.download(exports, context.tenantId(), person(), id);
  }
}
