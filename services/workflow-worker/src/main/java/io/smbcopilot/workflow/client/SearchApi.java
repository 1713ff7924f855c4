package io.smbcopilot.workflow.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * ingestion-service's search, called on behalf of the caller: the caller's own internal token goes
 * with every call, so the search sees their tenant, roles and readable collections and nothing more
 * (design section 8). A Quarkus REST client ({@code quarkus.rest-client.ingestion-service.url}).
 */
@RegisterRestClient(configKey = "ingestion-service")
@Timeout(value = 10, unit = ChronoUnit.SECONDS)
@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface SearchApi {
  record Filter(List<String> collections, List<String> tags, List<UUID> documentIds) {}

  /** {@code highlightQuery}: what the sentences are scored against, when not the query. */
  record Request(
      String query,
      int topK,
      String mode,
      Filter filter,
      boolean highlights,
      String highlightQuery) {}

  /** A sentence of a hit, scored against the query ({@code similarity} null: not embedded). */
  record Highlight(
      String text, int start, int end, Double similarity, double keywords, double score) {}

  record Location(
      Integer page, String sheet, Integer slide, List<String> headings, String headingPath) {}

  record Hit(
      UUID documentId,
      String title,
      UUID collectionId,
      String collection,
      int chunk,
      String text,
      double score,
      Location location,
      List<Highlight> highlights) {
    /** The chunk's id, as ingestion-service names it. */
    public String chunkId() {
      return documentId + ":" + chunk;
    }
  }

  record Response(String query, String mode, List<Hit> hits) {}

  @POST
  Uni<Response> search(@HeaderParam("Authorization") String authorization, Request request);
}
