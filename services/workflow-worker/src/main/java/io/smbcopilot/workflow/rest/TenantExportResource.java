package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.exports.TenantExports;
import io.smbcopilot.workflow.repository.TenantExportRepository.Export;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's exports (issue 18, owners): everything the business keeps on the platform in one
 * archive of open formats, built in the background, downloadable until it expires.
 */
@Path("/api/v1/tenant")
@Tag(name = "tenant")
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.TENANT_MANAGE)
public class TenantExportResource {
  static final String BASE = "/api/v1/tenant/exports/";

  @Schema(
      name = "TenantExport",
      description = "An export: of everything of the business, or of a person's own data")
  public record View(
      UUID id,
      @Schema(description = "building, ready, failed or expired") String status,
      String requestedBy,
      OffsetDateTime requestedAt,
      OffsetDateTime finishedAt,
      @Schema(description = "until when the archive can be downloaded") OffsetDateTime expiresAt,
      Long sizeBytes,
      @Schema(description = "SHA-256 of the archive, hex") String sha256,
      @Schema(type = SchemaType.OBJECT, description = "files and rows by service")
          JsonNode contents,
      @Schema(description = "why it could not be built, or why it was withdrawn before its time")
          String error,
      @Schema(description = "where the archive is downloaded, while it is ready") String archive) {}

  @Schema(name = "TenantExportPage")
  public record Page(List<View> items) {}

  private final TenantExports exports;
  private final TenantContext context;
  private final ObjectMapper json;

  public TenantExportResource(TenantExports exports, TenantContext context, ObjectMapper json) {
    this.exports = exports;
    this.context = context;
    this.json = json;
  }

  @POST
  @Path("/export")
  @Operation(
      summary = "Export everything of the business",
      description =
          "Builds, in the background, one zip of everything the business keeps: the originals as"
              + " uploaded, and JSON Lines of its documents' metadata and chunks, conversations,"
              + " workflows and runs, notifications, webhooks and their deliveries, the audit log"
              + " and its people, with a manifest of SHA-256s. Who asked is notified (in the app"
              + " and by mail) when it is ready; it can be downloaded until it expires"
              + " (copilot.exports.expire-after, 7 days). One export is built at a time.")
  @APIResponse(responseCode = "202", description = "being built; Location says where to look")
  @APIResponse(responseCode = "403", description = "not an owner, or not a person")
  @APIResponse(responseCode = "409", description = "another export is being built")
  public Uni<Response> request() {
    String person = context.person("an export is asked by a person who manages the business");
    return exports
        .request(context.tenantId(), person, false)
        .map(e -> Response.accepted(view(e)).location(URI.create(BASE + e.id())).build());
  }

  @GET
  @Path("/exports")
  @Operation(summary = "The business's exports, newest first")
  public Uni<Page> list() {
    return exports
        .list(context.tenantId(), null)
        .map(all -> new Page(all.stream().map(this::view).toList()));
  }

  @GET
  @Path("/exports/{id}")
  @Operation(summary = "One export")
  @APIResponse(responseCode = "404", description = "no such export of the business")
  public Uni<View> get(@PathParam("id") UUID id) {
    return exports.get(context.tenantId(), null, id).map(this::view);
  }

  @GET
  @Path("/exports/{id}/archive")
  @Produces({"application/zip", "application/problem+json"})
  @io.smallrye.common.annotation.Blocking
  @Operation(summary = "Download an export's archive")
  @APIResponse(responseCode = "200", description = "the zip")
  @APIResponse(responseCode = "404", description = "no such export of the business")
  @APIResponse(responseCode = "409", description = "still being built, or it failed")
  @APIResponse(responseCode = "410", description = "it expired: ask for a new one")
  public Response archive(@PathParam("id") UUID id) {
    return download(exports, context.tenantId(), null, id);
  }

  /**
   * The archive of an export of the business (subject null) or of a person, streamed piece by piece
   * on this worker thread, each piece read on a context of its own.
   */
  static Response download(TenantExports exports, UUID tenantId, String subject, UUID id) {
    Export e = JobWorkers.awaitOnContext(() -> exports.downloadable(tenantId, subject, id));
    StreamingOutput body =
        out -> {
          for (int seq = 0; ; seq++) {
            byte[] piece = exports.piece(e.id(), seq);
            if (piece == null) {
              return;
            }
            out.write(piece);
          }
        };
    return Response.ok(body, "application/zip")
        .header("Content-Length", e.sizeBytes())
        .header(
            "Content-Disposition",
            "attachment; filename=\"smb-copilot-"
                + (subject == null ? "export-" : "my-data-")
                + e.id()
                + ".zip\"")
        .header(
            "Repr-Digest",
            "sha-256=:"
                + java.util.Base64.getEncoder()
                    .encodeToString(java.util.HexFormat.of().parseHex(e.sha256()))
                + ":")
        .build();
  }

  private View view(Export e) {
    return view(json, e, BASE);
  }

  /** The view of an export, its archive under {@code base}. */
  static View view(ObjectMapper json, Export e, String base) {
    JsonNode contents = null;
    if (e.contents() != null) {
      try {
        contents = json.readTree(e.contents());
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    }
    return new View(
        e.id(),
        e.status(),
        e.requestedBy(),
        e.requestedAt(),
        e.finishedAt(),
        e.expiresAt(),
        e.sizeBytes(),
        e.sha256(),
        contents,
        e.error(),
        "ready".equals(e.status()) ? base + e.id() + "/archive" : null);
  }
}
