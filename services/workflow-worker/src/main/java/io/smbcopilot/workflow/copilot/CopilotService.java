package io.smbcopilot.workflow.copilot;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.client.SearchApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Answers a question from the caller's documents: retrieval through ingestion-service's search with
 * the caller's own token (never widened), then the answerer.
 */
@ApplicationScoped
public class CopilotService {
  /** Passages retrieved for an answer. */
  static final int PASSAGES = 5;

  private final SearchApi search;
  private final ExtractiveAnswerer extractive = new ExtractiveAnswerer();

  public CopilotService(@RestClient SearchApi search) {
    this.search = search;
  }

  /** What narrows the retrieval: collections (ids or names), tags, documents. */
  public record Scope(List<String> collections, List<String> tags, List<UUID> documentIds) {}

  @WithSpan("CopilotService.ask")
  public Uni<ExtractiveAnswerer.Answer> ask(String authorization, String question, Scope scope) {
    SearchApi.Filter filter =
        scope == null
            ? null
            : new SearchApi.Filter(scope.collections(), scope.tags(), scope.documentIds());
    return search
        .search(authorization, new SearchApi.Request(question, PASSAGES, "hybrid", filter, true))
        .onFailure(WebApplicationException.class)
        .transform(e -> searchProblem((WebApplicationException) e))
        .map(found -> extractive.answer(found.hits()));
  }

  /** Search's refusal, said as the copilot's (the caller named it, so it is theirs to see). */
  private static Throwable searchProblem(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return switch (status) {
      case 404 ->
          new ProblemException(
              ProblemType.NOT_FOUND,
              "a collection you named does not exist or you may not read it");
      case 400 -> new ProblemException(ProblemType.VALIDATION, "the search filter is not valid");
      case 503 ->
          new ProblemException(
              ProblemType.SERVICE_UNAVAILABLE, "search is unavailable at the moment; try again");
      default -> new ProblemException(ProblemType.BAD_GATEWAY, "search answered " + status);
    };
  }
}
