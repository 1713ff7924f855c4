package io.smbcopilot.ingestion.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.service.Caller;
import io.smbcopilot.ingestion.service.SearchService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/search")
@Tag(name = "knowledge")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SearchResource {
  public record Filter(
      @Schema(description = "collection ids or names; default: every collection you may read")
          @Size(max = 100)
          List<@NotBlank String> collections,
      @Schema(description = "only chunks of documents with any of these tags") @Size(max = 50)
          List<@NotBlank String> tags,
      @Schema(description = "only these documents") @Size(max = 500)
          List<@NotNull UUID> documentIds) {}

  public record SearchRequest(
      @NotBlank @Size(max = 2000) String query,
      @Schema(description = "hits to return, 1 to 50, default 10") @Min(1) @Max(50) Integer topK,
      @Schema(
              description = "hybrid (default), vector or keyword",
              enumeration = {"hybrid", "vector", "keyword"})
          String mode,
      @Valid Filter filter,
      @Schema(
              description =
                  "also score each hit's sentences against the query (the model's similarity and"
                      + " the query's words they hold), best first: the copilot's extractive"
                      + " answers quote them")
          Boolean highlights,
      @Schema(
              description =
                  "score the sentences against this text instead of the query (the copilot's"
                      + " follow-ups search with the conversation's last question too, and score"
                      + " the sentences against the new one)")
          @Size(max = 2000)
          String highlightQuery) {}

  public record SearchResponse(String query, String mode, List<SearchService.Hit> hits) {}

  private final SearchService search;
  private final TenantContext context;

  public SearchResource(SearchService search, TenantContext context) {
    this.search = search;
    this.context = context;
  }

  @POST
  @PermissionsAllowed(Permission.Names.SEARCH)
  @Operation(
      summary = "Search the documents you may read",
      description =
          "Hybrid search fuses vector (all-MiniLM-L6-v2) and BM25 keyword rankings by reciprocal"
              + " rank fusion. Only chunks of collections you may read are searched; the filter"
              + " narrows further.")
  @APIResponse(responseCode = "200", description = "hits, best first")
  @APIResponse(responseCode = "400", description = "no query, a bad mode or topK")
  @APIResponse(responseCode = "404", description = "a named collection you may not read")
  public Uni<SearchResponse> search(@NotNull @Valid SearchRequest request) {
    SearchService.Mode mode = SearchService.parseMode(request.mode());
    Filter f = request.filter();
    return search
        .search(
            Caller.of(context),
            request.query(),
            request.topK() == null ? 10 : request.topK(),
            mode,
            f == null ? null : f.collections(),
            f == null ? null : f.tags(),
            f == null ? null : f.documentIds(),
            Boolean.TRUE.equals(request.highlights()),
            request.highlightQuery() == null || request.highlightQuery().isBlank()
                ? null
                : request.highlightQuery())
        .map(
            hits ->
                new SearchResponse(
                    request.query(), mode.name().toLowerCase(java.util.Locale.ROOT), hits));
  }
}
