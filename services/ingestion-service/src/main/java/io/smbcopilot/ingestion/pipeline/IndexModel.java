package io.smbcopilot.ingestion.pipeline;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Which embedding model the index's vectors come from, against the one this service embeds with
 * ({@code copilot.ingestion.model}). Vectors of two models are never mixed: the index records the
 * model that built it; a service that finds another model's vectors at start neither indexes nor
 * searches, stays not ready and says what fixes it, until it is started with {@code
 * copilot.ingestion.index.rebuild=true}, which empties the index and embeds every document again.
 * The same setting rebuilds an index that was lost: empty while documents are indexed.
 */
@ApplicationScoped
public class IndexModel {
  private static final Logger LOG = Logger.getLogger(IndexModel.class);

  /** The setting that rebuilds the index, as an environment variable (how operators set it). */
  public static final String REBUILD = "COPILOT_INGESTION_INDEX_REBUILD=true";

  private final ChunkIndex index;
  private final Embedder embedder;
  private final DocumentRepository documents;
  private volatile String mismatch;

  public IndexModel(ChunkIndex index, Embedder embedder, DocumentRepository documents) {
    this.index = index;
    this.embedder = embedder;
    this.documents = documents;
  }

  /**
   * At start: records the model of a new index (or of one built before the record was kept, by
   * {@link Embedder#FULL}, the only model then); on a mismatch rebuilds when {@code rebuild} allows
   * it, otherwise reports it. Answers whether the index and the model agree now.
   */
  public boolean settle(boolean rebuild) {
    String configured = embedder.name();
    Optional<String> recorded = index.model();
    String built = recorded.orElse(index.isEmpty() ? null : Embedder.FULL);
    if (built == null || built.equals(configured)) {
      if (recorded.isEmpty()) {
        index.recordModel(configured);
      }
      mismatch = null;
      LOG.infof("index: vectors of %s", configured);
      if (index.isEmpty()) {
        settleEmpty(rebuild);
      }
      return true;
    }
    if (rebuild) {
      rebuild();
      return true;
    }
    mismatch = report(built);
    LOG.error(mismatch);
    return false;
  }

  /**
   * An empty index while documents are indexed: it was lost (a new volume, a backup restored
   * without it, a deleted Qdrant collection). With {@code rebuild} every such document is embedded
   * again from its saved chunks; without it the service says so and what fixes it (new uploads are
   * indexed and searched meanwhile).
   */
  private void settleEmpty(boolean rebuild) {
    long indexed = await(documents::countIndexed);
    if (indexed == 0) {
      return;
    }
    if (rebuild) {
      rebuild();
    } else {
      LOG.errorf(
          "index: it is empty but %d documents are indexed (it was lost or replaced): search finds"
              + " none of them until it is rebuilt; start the service once with %s",
          indexed, REBUILD);
    }
  }

  private String report(String built) {
    return "the index holds vectors of "
        + built
        + " but copilot.ingestion.model is "
        + embedder.name()
        + "; vectors of two models cannot be searched together, so nothing is indexed or"
        + " searched until the index is rebuilt: start the service once with "
        + REBUILD
        + " (it empties the index and embeds every document again with "
        + embedder.name()
        + "), or set copilot.ingestion.model back to "
        + built;
  }

  /**
   * Empties the index, records the configured model and queues every document that had vectors to
   * be embedded again from its saved chunks (no parsing). Answers how many documents were queued.
   */
  public int rebuild() {
    String from = index.isEmpty() ? "nothing" : "vectors of " + index.model().orElse(Embedder.FULL);
    index.clear(embedder.name());
    int queued = requeueAll();
    mismatch = null;
    LOG.warnf(
        "index: rebuilt for %s (it held %s): %d documents are embedded again",
        embedder.name(), from, queued);
    return queued;
  }

  /** {@link DocumentRepository#requeueAllForEmbedding}, in a transaction of its own. */
  private int requeueAll() {
    return await(() -> documents.requeueAllForEmbedding(IngestQueue.QUEUE));
  }

  /** Runs a repository call in a transaction of its own and waits for it (at start). */
  private static <T> T await(java.util.function.Supplier<Uni<T>> call) {
    try {
      return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(call));
    } catch (Throwable e) {
      throw new IllegalStateException("the index cannot read the documents' state", e);
    }
  }

  /**
   * Before vectors are written: throws, and reports the mismatch from then on, when the index now
   * records another model (another replica rebuilt it for a model this one does not embed with).
   */
  void check() {
    Optional<String> recorded = index.model();
    if (recorded.isPresent() && !recorded.get().equals(embedder.name())) {
      mismatch = report(recorded.get());
      throw new IllegalStateException(mismatch);
    }
  }

  /** What is wrong, for the readiness check and for search; empty when the models agree. */
  public Optional<String> mismatch() {
    return Optional.ofNullable(mismatch);
  }
}
