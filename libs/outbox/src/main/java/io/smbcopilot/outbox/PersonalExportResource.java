package io.smbcopilot.outbox;

import io.quarkus.security.Authenticated;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * {@code GET /internal/v1/personal-export}: this service's part of a person's own export ({@link
 * TenantExport#write(java.util.UUID, String)}: only the rows that are theirs), a zip, for the
 * workflow worker that builds the archive with that person's token. Not routed from the public API.
 */
@Path("/internal/v1/personal-export")
public class PersonalExportResource {
  private static final Logger LOG = Logger.getLogger(PersonalExportResource.class);

  private final TenantExport export;
  private final TenantContext context;

  public PersonalExportResource(TenantExport export, TenantContext context) {
    this.export = export;
    this.context = context;
  }

  @GET
  @Produces("application/zip")
  @Authenticated
  public Response part() throws IOException {
    String person = context.person("a personal export is asked by the person");
    TenantExport.Part part = export.write(context.tenantId(), person);
    LOG.infof("personal export: part of %s rows by table", part.rows());
    return TenantExportResource.zip(part);
  }
}
