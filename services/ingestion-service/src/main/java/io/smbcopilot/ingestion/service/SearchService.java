package io.smbcopilot.ingestion.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.ingestion.pipeline.IndexModel;
import io.smbcopilot.ingestion.pipeline.Location;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Search over the chunks of the collections the caller may read. The readable collections are
 * worked out here and passed to the index as part of the query; hybrid search fuses the vector and
 * BM25 rankings by reciprocal rank fusion.
 */
@ApplicationScoped
public class SearchService {
  /** The usual RRF constant: a hit at rank r adds 1 / (60 + r). */
  static final int RRF_K = 60;

  public enum Mode {
    HYBRID,
    VECTOR,
    KEYWORD
  }

  public record Hit(
      UUID documentId,
      String title,
      UUID collectionId,
      String collection,
      int chunk,
      String text,
      double score,
      HitLocation location,
      @Schema(
              description =
                  "the passage's sentences scored against the query, best first (only"
                      + " when asked for)")
          @JsonInclude(JsonInclude.Include.NON_NULL)
          List<Highlighter.Highlight> highlights) {}

  /**
   * Where the passage is: the page of a PDF, the sheet of a spreadsheet, the slide of a
   * presentation, the headings above it (outermost first; a slide's title) and the same as one
   * path.
   */
  public record HitLocation(
      Integer page, String sheet, Integer slide, List<String> headings, String headingPath) {
    static HitLocation of(Location l) {
      return new HitLocation(l.page(), l.sheet(), l.slide(), l.headings(), l.headingPath());
    }
  }

  private final DocumentRepository documents;
  private final CollectionService collections;
  private final ChunkIndex index;
  private final Embedder embedder;
  private final Highlighter highlighter;
  private final IndexModel indexModel;
  private final Vertx vertx;

  public SearchService(
      DocumentRepository documents,
      CollectionService collections,
      ChunkIndex index,
      Embedder embedder,
      IndexModel indexModel,
      Vertx vertx) {
    this.documents = documents;
    this.collections = collections;
    this.index = index;
    this.embedder = embedder;
    this.highlighter = new Highlighter(embedder);
    this.indexModel = indexModel;
    this.vertx = vertx;
  }

  /**
   * The best passages for the query among the collections the caller may read. The collections and
   * titles come from the database; embedding the query and searching the index run on a worker
   * thread.
   */
  @WithSpan("SearchService.search")
  public Uni<List<Hit>> search(
      Caller caller,
      String query,
      int topK,
      Mode mode,
      List<String> collectionFilter,
      List<String> tags,
      List<UUID> documentIds,
      boolean highlights,
      String highlightQuery) {
    if (indexModel.mismatch().isPresent()) {
      // The query's vector would come from another model than the index's: its ranking would be
      // noise. The operator's side of it is in the log and the readiness check.
      return Uni.createFrom()
          .failure(
              new ProblemException(
                  ProblemType.SERVICE_UNAVAILABLE,
                  "search is unavailable until the index is rebuilt for the service's embedding"
                      + " model; uploads are kept and indexed once it is"));
    }
    return Panache.withTransaction(() -> allowed(caller, collectionFilter))
        .chain(
            readable -> {
              Set<UUID> allowed = readable.allowed();
              if (allowed.isEmpty()) {
                return Uni.createFrom().item(List.<Hit>of());
              }
              ChunkIndex.Filter filter =
                  new ChunkIndex.Filter(
                      caller.tenantId(),
                      allowed,
                      tags == null ? Set.of() : new HashSet<>(tags),
                      documentIds == null ? Set.of() : new HashSet<>(documentIds));
              return vertx
                  .executeBlocking(
                      () -> find(query, mode, filter, topK, highlights, highlightQuery), false)
                  .chain(
                      found ->
                          Panache.withSession(() -> withTitles(caller, found, readable.all())));
            });
  }

  private record Readable(Map<UUID, CollectionService.Collection> all, Set<UUID> allowed) {}

  /** The collections the caller may read, and those of them the search covers. */
  private Uni<Readable> allowed(Caller caller, List<String> collectionFilter) {
    return collections
        .readable(caller)
        .chain(
            list -> {
              Map<UUID, CollectionService.Collection> readable = new HashMap<>();
              for (CollectionService.Collection c : list) {
                readable.put(c.id(), c);
              }
              if (collectionFilter == null || collectionFilter.isEmpty()) {
                return Uni.createFrom().item(new Readable(readable, readable.keySet()));
              }
              return Multi.createFrom()
                  .iterable(collectionFilter)
                  .onItem()
                  .transformToUniAndConcatenate(c -> collections.readableOne(caller, c))
                  .map(CollectionService.Collection::id)
                  .collect()
                  .asSet()
                  .map(ids -> new Readable(readable, ids));
            });
  }

  /** The hits, and their sentences scored when asked for (by chunk id). */
  private record Found(List<ChunkIndex.Hit> hits, Map<String, List<Highlighter.Highlight>> by) {}

  private Found find(
      String query,
      Mode mode,
      ChunkIndex.Filter filter,
      int topK,
      boolean highlights,
      String highlightQuery) {
    float[] vector = mode == Mode.KEYWORD && !highlights ? null : embedder.embed(query);
    List<ChunkIndex.Hit> hits =
        switch (mode) {
          case KEYWORD -> index.keyword(query, filter, topK);
          case VECTOR -> index.vector(vector, filter, topK);
          case HYBRID ->
              fuse(
                  index.vector(vector, filter, candidates(topK)),
                  index.keyword(query, filter, candidates(topK)),
                  topK);
        };
    if (!highlights) {
      return new Found(hits, Map.of());
    }
    String scoredAgainst = highlightQuery == null ? query : highlightQuery;
    float[] sentenceQuery = highlightQuery == null ? vector : embedder.embed(highlightQuery);
    Set<String> terms = highlighter.terms(scoredAgainst);
    List<List<Highlighter.Highlight>> highlighted =
        highlighter.highlight(
            hits.stream().map(ChunkIndex.Hit::text).toList(), sentenceQuery, terms);
    Map<String, List<Highlighter.Highlight>> by = new HashMap<>();
    for (int i = 0; i < hits.size(); i++) {
      by.put(hits.get(i).id(), highlighted.get(i));
    }
    return new Found(hits, by);
  }

  private static int candidates(int topK) {
    return Math.max(topK * 3, 30);
  }

  /** Reciprocal rank fusion: each list adds 1 / (60 + rank) to a chunk's score. */
  public static List<ChunkIndex.Hit> fuse(
      List<ChunkIndex.Hit> a, List<ChunkIndex.Hit> b, int topK) {
    Map<String, ChunkIndex.Hit> byId = new LinkedHashMap<>();
    Map<String, Double> score = new HashMap<>();
    for (List<ChunkIndex.Hit> list : List.of(a, b)) {
      for (int rank = 0; rank < list.size(); rank++) {
        ChunkIndex.Hit hit = list.get(rank);
        byId.putIfAbsent(hit.id(), hit);
        score.merge(hit.id(), 1.0 / (RRF_K + rank + 1), Double::sum);
      }
    }
    return byId.values().stream()
        .sorted(Comparator.comparingDouble((ChunkIndex.Hit h) -> -score.get(h.id())))
        .limit(topK)
        .map(
            h ->
                new ChunkIndex.Hit(
                    h.documentId(),
                    h.collectionId(),
                    h.seq(),
                    h.text(),
                    h.location(),
                    score.get(h.id()).floatValue()))
        .toList();
  }

  /** Adds document titles; a hit whose document was deleted a moment ago is dropped. */
  private Uni<List<Hit>> withTitles(
      Caller caller, Found found, Map<UUID, CollectionService.Collection> readable) {
    List<ChunkIndex.Hit> hits = found.hits();
    if (hits.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    return documents
        .titles(
            caller.tenantId(), hits.stream().map(ChunkIndex.Hit::documentId).distinct().toList())
        .map(
            titles -> {
              List<Hit> out = new ArrayList<>();
              for (ChunkIndex.Hit h : hits) {
                String title = titles.get(h.documentId());
                if (title == null) {
                  continue;
                }
                CollectionService.Collection c = readable.get(h.collectionId());
                out.add(
                    new Hit(
                        h.documentId(),
                        title,
                        h.collectionId(),
                        c == null ? null : c.name(),
                        h.seq(),
                        h.text(),
                        h.score(),
                        HitLocation.of(h.location()),
                        found.by().get(h.id())));
              }
              return out;
            });
  }

  public static Mode parseMode(String mode) {
    if (mode == null || mode.isBlank()) {
      return Mode.HYBRID;
    }
    try {
      return Mode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid("mode", "one of hybrid, vector, keyword");
    }
  }
}
