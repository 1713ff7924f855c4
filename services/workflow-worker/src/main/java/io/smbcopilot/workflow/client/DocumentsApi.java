package io.smbcopilot.workflow.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * ingestion-service's document list, newest first, called with the token of whoever the worker acts
 * for (a workflow's owner): they see the documents they may read.
 */
@RegisterRestClient(configKey = "ingestion-service")
@Path("/api/v1/documents")
@Produces(MediaType.APPLICATION_JSON)
public interface DocumentsApi {
  record Document(
      UUID id,
      String collection,
      String title,
      String fileName,
      String status,
      OffsetDateTime createdAt) {}

  record Page(List<Document> items, String nextCursor) {}

  @GET
  Uni<Page> list(
      @HeaderParam("Authorization") String authorization,
      @QueryParam("limit") int limit,
      @QueryParam("cursor") String cursor);
}
