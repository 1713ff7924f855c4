package io.smbcopilot.ingestion.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.config.IngestionConfig;
import io.smbcopilot.ingestion.domain.Document;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The indexing pipeline: the stages that turn a document into indexed chunks. Its jobs come from
 * libs/jobs' queue ({@link IngestQueue}, filled by the {@code document.uploaded} consumer and by
 * reindex) on a bounded pool of worker threads ({@code JobWorkers}, which keep each job's lease
 * renewed while it runs). For each document it parses, chunks, embeds in batches and indexes;
 * progress ({@code chunks_done}) is saved after every batch; chunk ids are stable, so a document
 * resumed after a crash ends with each chunk once. The status and its events are {@link
 * DocumentProgress}'s.
 */
@ApplicationScoped
public class Pipeline implements JobWorkers.Handler {
  private static final Logger LOG = Logger.getLogger(Pipeline.class);

  private final IngestionConfig config;
  private final DocumentParser parser;
  private final Embedder embedder;
  private final ChunkIndex index;
  private final DocumentProgress status;
  private final IngestQueue queue;
  private final IndexModel indexModel;
  private final Pool pool;
  private final MeterRegistry registry;
  private final Counter indexed;
  private final Counter failed;
  private final Timer documentTime;
  private final Timer parseTime;
  private final Timer embedTime;
  private final Timer indexTime;
  private final Timer saveTime;
  private volatile JobWorkers workers;
  private volatile Chunker chunker;

  public Pipeline(
      IngestionConfig config,
      DocumentParser parser,
      Embedder embedder,
      ChunkIndex index,
      DocumentProgress status,
      IngestQueue queue,
      IndexModel indexModel,
      Pool pool,
      MeterRegistry registry) {
    this.config = config;
    this.parser = parser;
    this.embedder = embedder;
    this.index = index;
    this.status = status;
    this.queue = queue;
    this.indexModel = indexModel;
    this.pool = pool;
    this.registry = registry;
    this.indexed = registry.counter("copilot.ingestion.documents", "outcome", "indexed");
    this.failed = registry.counter("copilot.ingestion.documents", "outcome", "failed");
    this.documentTime = registry.timer("copilot.ingestion.document.time");
    this.parseTime = registry.timer("copilot.ingestion.stage.time", "stage", "parse");
    this.embedTime = registry.timer("copilot.ingestion.stage.time", "stage", "embed");
    this.indexTime = registry.timer("copilot.ingestion.stage.time", "stage", "index");
    this.saveTime = registry.timer("copilot.ingestion.stage.time", "stage", "save");
  }

  void onStart(@Observes StartupEvent event) {
    if (indexModel.settle(config.index().rebuild())) {
      startWorkers();
    }
  }

  /**
   * Rebuilds the index for the configured model (what {@code copilot.ingestion.index.rebuild} does
   * at start) and starts the workers if they are not running.
   */
  public int rebuildIndex() {
    int queued = indexModel.rebuild();
    startWorkers();
    return queued;
  }

  private synchronized void startWorkers() {
    if (config.workers() <= 0 || workers != null) {
      return;
    }
    workers =
        new JobWorkers(
            new JobQueue(pool),
            new JobWorkers.Settings(
                IngestQueue.QUEUE,
                config.workers(),
                config.lease(),
                config.pollInterval(),
                config.maxAttempts(),
                config.retryBackoff(),
                config.retryBackoff().multipliedBy(16),
                config.attemptTimeout(),
                0),
            this,
            "ingestion-" + UUID.randomUUID(),
            registry);
    workers.start();
    LOG.infof("pipeline: %d workers, store %s", config.workers(), index.name());
    Thread warm = new Thread(this::warmUp, "ingest-warm-up");
    warm.setDaemon(true);
    warm.start();
  }

  /**
   * Loads the model, the tokenizer and Tika's parsers once at start (several seconds together), so
   * the first document does not wait for them.
   */
  private void warmUp() {
    long start = System.nanoTime();
    Path file = null;
    try {
      file = Files.createTempFile("warm-up-", ".txt");
      Files.writeString(file, "Warm up.\n\nThe pipeline reads, chunks and embeds this text once.");
      ParsedDocument parsed =
          parser.parse(file, "text/plain", 1_000, System.nanoTime() + 60_000_000_000L);
      List<Chunker.Chunk> chunks = chunker().chunk(parsed);
      embedder.embed(chunks.stream().map(Chunker.Chunk::embedded).toList());
      LOG.infof(
          "pipeline: model, tokenizer and parsers ready in %.1f s",
          (System.nanoTime() - start) / 1e9);
    } catch (Exception | LinkageError e) {
      LOG.warnf("pipeline: warm-up failed (the first document will load what it needs): %s", e);
    } finally {
      deleteQuietly(file);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    JobWorkers running = workers;
    if (running != null) {
      running.close();
    }
    Chunker c = chunker;
    if (c != null) {
      c.close();
    }
  }

  /** A job was queued: wake a worker now rather than at its next poll. */
  public void wake() {
    JobWorkers running = workers;
    if (running != null) {
      running.wake();
    }
  }

  private Chunker chunker() {
    Chunker c = chunker;
    if (c == null) {
      synchronized (this) {
        if (chunker == null) {
          chunker = new Chunker(config.chunkTokens(), config.chunkOverlap());
        }
        c = chunker;
      }
    }
    return c;
  }

  @Override
  public Uni<Void> handle(Job job) {
    return Uni.createFrom()
        .item(
            () -> {
              Timer.Sample sample = Timer.start();
              process(job.tenantId(), queue.documentOf(job), !queue.reindexes(job));
              sample.stop(documentTime);
              return null;
            });
  }

  /**
   * The job ran out of attempts: its document failed, with a reason for its owner (the technical
   * one goes to the log).
   */
  @Override
  public Uni<Void> dead(Job job, String reason) {
    return Uni.createFrom()
        .item(
            () -> {
              LOG.warnf("pipeline: %s gave up: %s", queue.documentOf(job), reason);
              fail(
                  job.tenantId(),
                  queue.documentOf(job),
                  "the service could not finish reading the document after "
                      + config.maxAttempts()
                      + " attempts; upload it again later, and if it keeps failing, try a"
                      + " smaller or simpler copy");
              return null;
            });
  }

  /**
   * Parses, chunks, embeds and indexes the document (or embeds its saved chunks, when it resumes);
   * {@code announce}: its {@code document.indexed} event goes out (not when a rebuilt index gets it
   * again).
   */
  void process(UUID tenantId, UUID documentId, boolean announce) {
    DocumentProgress.Begun begun = status.begin(tenantId, documentId);
    if (begun == null) {
      return; // deleted meanwhile: the job is done
    }
    Document work = begun.document();
    int done = work.chunksDone;
    int total = work.chunksTotal;
    // Chunks just made are embedded from memory; a resumed document's are read back.
    List<Chunker.Chunk> chunks = null;
    if (!DocumentProgress.resumes(work)) {
      try {
        Timer.Sample parse = Timer.start();
        chunks = parseAndChunk(begun);
        parse.stop(parseTime);
      } catch (ParseException e) {
        if (e.getCause() != null) {
          LOG.infof("pipeline: %s cannot be read: %s", documentId, e.getCause().toString());
        }
        fail(tenantId, documentId, e.getMessage());
        return;
      }
      total = chunks.size();
      done = 0;
    } else {
      LOG.infof("pipeline: resuming %s at chunk %d of %d", documentId, done, total);
    }
    while (done < total) {
      List<Chunker.Chunk> batch =
          chunks == null
              ? status.saved(documentId, done, config.embedBatch())
              : chunks.subList(done, Math.min(done + config.embedBatch(), total));
      if (batch.isEmpty()) {
        break;
      }
      Timer.Sample embed = Timer.start();
      List<float[]> vectors = embedder.embed(batch.stream().map(Chunker.Chunk::embedded).toList());
      embed.stop(embedTime);
      List<ChunkIndex.Entry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Chunker.Chunk c = batch.get(i);
        entries.add(
            new ChunkIndex.Entry(
                tenantId,
                work.collectionId,
                documentId,
                c.seq(),
                work.tags,
                c.text(),
                c.location(),
                vectors.get(i)));
      }
      Timer.Sample write = Timer.start();
      indexModel.check();
      index.upsert(entries);
      write.stop(indexTime);
      done += batch.size();
      if (done < total) {
        Timer.Sample save = Timer.start();
        boolean exists = status.progress(documentId, done);
        save.stop(saveTime);
        if (!exists) {
          deleted(tenantId, documentId);
          return;
        }
      }
    }
    // The last batch's progress is saved with the end of the document, in one transaction.
    Timer.Sample save = Timer.start();
    boolean exists = status.indexed(tenantId, documentId, work.collectionId, total, announce);
    save.stop(saveTime);
    if (!exists) {
      deleted(tenantId, documentId);
      return;
    }
    indexed.increment();
    LOG.infof("pipeline: indexed %s (%d chunks)", documentId, total);
  }

  /** The document was deleted meanwhile: leave nothing of it in the index. */
  private void deleted(UUID tenantId, UUID documentId) {
    index.deleteDocument(tenantId, documentId);
  }

  /** Parses and chunks the original; saves the chunks and answers them. */
  private List<Chunker.Chunk> parseAndChunk(DocumentProgress.Begun begun) throws ParseException {
    Document work = begun.document();
    // A reindexed document's old chunks leave the index first, so no stale chunk outlives it.
    // (Chunks reach the index only after they are saved in the chunk table: without rows there
    // is nothing.)
    if (begun.hadChunks()) {
      index.deleteDocument(work.tenantId, work.id);
    }
    Path file = null;
    ParsedDocument parsed;
    List<Chunker.Chunk> chunks;
    try {
      file = Files.createTempFile("ingest-", ".bin");
      try (OutputStream out = Files.newOutputStream(file)) {
        status.copyOriginal(work.id, begun.first(), out);
      }
      long deadline = System.nanoTime() + config.parseTimeout().toNanos();
      parsed = parser.parse(file, work.mediaType, config.maxTextChars(), deadline);
      chunks = chunker().chunk(parsed);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deleteQuietly(file);
    }
    if (chunks.isEmpty()) {
      throw new ParseException("no text could be extracted");
    }
    status.chunked(work.tenantId, work.id, chunks, parsed.pages());
    return chunks;
  }

  private void fail(UUID tenantId, UUID documentId, String reason) {
    index.deleteDocument(tenantId, documentId);
    status.failed(tenantId, documentId, reason);
    failed.increment();
    LOG.infof("pipeline: %s failed: %s", documentId, reason);
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debugf("cannot delete %s", file);
      }
    }
  }
}
