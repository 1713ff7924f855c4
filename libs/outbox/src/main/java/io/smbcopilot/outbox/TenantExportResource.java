package io.smbcopilot.outbox;

import io.quarkus.security.PermissionsAllowed;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.file.Files;
import org.jboss.logging.Logger;

/**
 * {@code GET /internal/v1/tenant-export}: this service's part of the caller's tenant's export
 * ({@link TenantExport}), a zip, for the workflow worker that builds the tenant's archive with an
 * owner's token. Not routed from the public API: the gateway forwards {@code /api/v1} only.
 */
@Path("/internal/v1/tenant-export")
public class TenantExportResource {
  private static final Logger LOG = Logger.getLogger(TenantExportResource.class);

  private final TenantExport export;
  private final TenantContext context;

  public TenantExportResource(TenantExport export, TenantContext context) {
    this.export = export;
    this.context = context;
  }

  @GET
  @Produces("application/zip")
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  public Response part() throws IOException {
    TenantExport.Part part = export.write(context.tenantId());
    LOG.infof("tenant export: part of %s rows by table, %d files", part.rows(), part.files());
    return zip(part);
  }

  static Response zip(TenantExport.Part part) throws IOException {
    StreamingOutput body =
        out -> {
          try {
            Files.copy(part.file(), out);
          } finally {
            Files.deleteIfExists(part.file());
          }
        };
    return Response.ok(body)
        .header("Content-Length", Files.size(part.file()))
        .header("Content-Disposition", "attachment; filename=\"part.zip\"")
        .build();
  }
}
