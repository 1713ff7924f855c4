package io.smbcopilot.ingestion.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentFailed;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.ingestion.config.IngestionConfig;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.service.Originals;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.outbox.Outbox;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The indexing pipeline: a bounded pool of worker threads takes documents from {@code ingest_job}
 * (filled by the {@code document.uploaded} consumer and by reindex), and for each one parses,
 * chunks, embeds in batches and indexes. A claim is a lease, renewed after every batch; progress
 * ({@code chunks_done}) is saved after every batch; chunk ids are stable, so a document resumed
 * after a crash ends with each chunk once. Status goes {@code queued -> parsing -> embedding ->
 * indexed | failed}; the end is written with its event in one transaction.
 */
@ApplicationScoped
public class Pipeline {
  private static final Logger LOG = Logger.getLogger(Pipeline.class);

  private final Db db;
  private final IngestionConfig config;
  private final DocumentParser parser;
  private final Embedder embedder;
  private final ChunkIndex index;
  private final Originals originals;
  private final Semaphore wake = new Semaphore(0);
  private final String workerId = "worker-" + UUID.randomUUID();
  private final List<Thread> threads = new ArrayList<>();
  private final Counter indexed;
  private final Counter failed;
  private final Timer documentTime;
  private final Timer parseTime;
  private final Timer embedTime;
  private final Timer indexTime;
  private final Timer saveTime;
  private volatile boolean running;
  private volatile Chunker chunker;

  public Pipeline(
      Db db,
      IngestionConfig config,
      DocumentParser parser,
      Embedder embedder,
      ChunkIndex index,
      Originals originals,
      MeterRegistry registry) {
    this.originals = originals;
    this.db = db;
    this.config = config;
    this.parser = parser;
    this.embedder = embedder;
    this.index = index;
    this.indexed = registry.counter("copilot.ingestion.documents", "outcome", "indexed");
    this.failed = registry.counter("copilot.ingestion.documents", "outcome", "failed");
    this.documentTime = registry.timer("copilot.ingestion.document.time");
    this.parseTime = registry.timer("copilot.ingestion.stage.time", "stage", "parse");
    this.embedTime = registry.timer("copilot.ingestion.stage.time", "stage", "embed");
    this.indexTime = registry.timer("copilot.ingestion.stage.time", "stage", "index");
    this.saveTime = registry.timer("copilot.ingestion.stage.time", "stage", "save");
  }

  void onStart(@Observes StartupEvent event) {
    if (config.workers() <= 0) {
      return;
    }
    running = true;
    for (int i = 0; i < config.workers(); i++) {
      Thread t = new Thread(this::loop, "ingest-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
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
      embedder.embed(chunks.stream().map(Chunker.Chunk::text).toList());
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
    running = false;
    wake.release(threads.size());
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Chunker c = chunker;
    if (c != null) {
      c.close();
    }
  }

  /** A job was queued: wake a worker now rather than at its next poll. */
  public void wake() {
    wake.release();
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

  private void loop() {
    while (running) {
      try {
        Job job = claim();
        if (job == null) {
          wake.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        Timer.Sample sample = Timer.start();
        process(job);
        sample.stop(documentTime);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
        // The database or the index is away, or a document was too much for the model: the
        // worker lives on, the job's lease runs out and it is taken again (and fails after
        // max-attempts).
        LOG.warnf("pipeline: %s", e.toString());
        sleep(config.pollInterval());
      }
    }
  }

  record Job(UUID documentId, UUID tenantId, int attempts) {}

  /** This worker, as written in the jobs it holds. */
  private String me() {
    return workerId + "/" + Thread.currentThread().getName();
  }

  private Job claim() {
    Iterator<Row> rows =
        db.query(
                "UPDATE ingest_job SET attempts = attempts + 1, worker = $1,"
                    + " lease_until = now() + make_interval(secs => $2)"
                    + " WHERE document_id = (SELECT document_id FROM ingest_job"
                    + " WHERE lease_until IS NULL OR lease_until < now()"
                    + " ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)"
                    + " RETURNING document_id, tenant_id, attempts",
                me(),
                (double) config.lease().toSeconds())
            .iterator();
    if (!rows.hasNext()) {
      return null;
    }
    Row row = rows.next();
    return new Job(
        row.getUUID("document_id"), row.getUUID("tenant_id"), row.getInteger("attempts"));
  }

  private record Work(
      UUID collectionId,
      String mediaType,
      String status,
      int chunksDone,
      int chunksTotal,
      List<String> tags) {}

  void process(Job job) {
    Iterator<Row> rows =
        db.query(
                "SELECT collection_id, media_type, status, chunks_done, chunks_total, tags"
                    + " FROM document WHERE id = $1 AND tenant_id = $2",
                job.documentId(),
                job.tenantId())
            .iterator();
    if (!rows.hasNext()) {
      db.query("DELETE FROM ingest_job WHERE document_id = $1", job.documentId());
      return;
    }
    Row row = rows.next();
    Work work =
        new Work(
            row.getUUID("collection_id"),
            row.getString("media_type"),
            row.getString("status"),
            row.getInteger("chunks_done"),
            row.getInteger("chunks_total"),
            Arrays.asList(row.getArrayOfStrings("tags")));
    if (job.attempts() > config.maxAttempts()) {
      fail(job, work, "processing stopped " + config.maxAttempts() + " times before it finished");
      return;
    }
    int done = work.chunksDone();
    int total = work.chunksTotal();
    // Chunks just made are embedded from memory; a resumed document's are read back.
    List<Chunker.Chunk> chunks = null;
    if (!"embedding".equals(work.status()) || total == 0) {
      try {
        Timer.Sample parse = Timer.start();
        chunks = parseAndChunk(job, work);
        parse.stop(parseTime);
      } catch (ParseException e) {
        fail(job, work, e.getMessage());
        return;
      }
      total = chunks.size();
      done = 0;
    } else {
      LOG.infof("pipeline: resuming %s at chunk %d of %d", job.documentId(), done, total);
    }
    while (done < total) {
      List<Chunker.Chunk> batch =
          chunks == null
              ? saved(job, done)
              : chunks.subList(done, Math.min(done + config.embedBatch(), total));
      if (batch.isEmpty()) {
        break;
      }
      Timer.Sample embed = Timer.start();
      List<float[]> vectors = embedder.embed(batch.stream().map(Chunker.Chunk::text).toList());
      embed.stop(embedTime);
      List<ChunkIndex.Entry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Chunker.Chunk c = batch.get(i);
        entries.add(
            new ChunkIndex.Entry(
                job.tenantId(),
                work.collectionId(),
                job.documentId(),
                c.seq(),
                work.tags(),
                c.text(),
                c.location(),
                vectors.get(i)));
      }
      Timer.Sample write = Timer.start();
      index.upsert(entries);
      write.stop(indexTime);
      done += batch.size();
      Timer.Sample save = Timer.start();
      boolean mine = progress(job, done);
      save.stop(saveTime);
      if (!mine) {
        // Deleted (or taken over) meanwhile: leave nothing of a deleted document in the index.
        if (!exists(job)) {
          index.deleteDocument(job.tenantId(), job.documentId());
        }
        return;
      }
    }
    finish(job, work, total);
  }

  /** Parses and chunks the original; saves the chunks and answers them. */
  private List<Chunker.Chunk> parseAndChunk(Job job, Work work) throws ParseException {
    db.query(
        "UPDATE document SET status = 'parsing', chunks_done = 0, chunks_total = 0, error = NULL,"
            + " updated_at = now() WHERE id = $1",
        job.documentId());
    // Reading may take up to the parse timeout: hold the claim that long, plus the usual lease.
    db.query(
        "UPDATE ingest_job SET lease_until = now() + make_interval(secs => $2)"
            + " WHERE document_id = $1",
        job.documentId(),
        (double) (config.parseTimeout().toSeconds() + config.lease().toSeconds()));
    // A reindexed document's old chunks go first, so no stale chunk outlives it. (Chunks reach
    // the index only after they are saved in the chunk table: without rows there is nothing.)
    if (db.query("SELECT 1 FROM chunk WHERE document_id = $1 LIMIT 1", job.documentId())
        .iterator()
        .hasNext()) {
      index.deleteDocument(job.tenantId(), job.documentId());
    }
    Path file = null;
    ParsedDocument parsed;
    List<Chunker.Chunk> chunks;
    try {
      file = Files.createTempFile("ingest-", ".bin");
      try (OutputStream out = Files.newOutputStream(file)) {
        originals.copy(job.documentId(), out);
      }
      long deadline = System.nanoTime() + config.parseTimeout().toNanos();
      parsed = parser.parse(file, work.mediaType(), config.maxTextChars(), deadline);
      chunks = chunker().chunk(parsed);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deleteQuietly(file);
    }
    if (chunks.isEmpty()) {
      throw new ParseException("no text could be extracted");
    }
    Integer pages = parsed.pages();
    db.inTransaction(
        tx -> {
          Db.run(tx, "DELETE FROM chunk WHERE document_id = $1", job.documentId());
          List<Tuple> tuples = new ArrayList<>();
          for (Chunker.Chunk c : chunks) {
            tuples.add(
                Tuple.from(
                    Arrays.asList(
                        job.documentId(),
                        c.seq(),
                        job.tenantId(),
                        c.text(),
                        c.tokens(),
                        c.location().page(),
                        c.location().sheet(),
                        c.location().headings().toArray(String[]::new))));
            if (tuples.size() == 500) {
              insertChunks(tx, tuples);
              tuples.clear();
            }
          }
          if (!tuples.isEmpty()) {
            insertChunks(tx, tuples);
          }
          Db.run(
              tx,
              "UPDATE document SET status = 'embedding', chunks_total = $2, chunks_done = 0,"
                  + " pages = $3, updated_at = now() WHERE id = $1",
              job.documentId(),
              chunks.size(),
              pages);
          return null;
        });
    return chunks;
  }

  private static void insertChunks(SqlConnection tx, List<Tuple> tuples) {
    tx.preparedQuery(
            "INSERT INTO chunk (document_id, seq, tenant_id, text, tokens, page, sheet, headings)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .executeBatch(tuples)
        .await()
        .atMost(Duration.ofSeconds(30));
  }

  /** The next batch of saved chunks (a document resumed after a crash). */
  private List<Chunker.Chunk> saved(Job job, int from) {
    List<Chunker.Chunk> batch = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT seq, text, tokens, page, sheet, headings FROM chunk WHERE document_id = $1"
                + " AND seq >= $2 ORDER BY seq LIMIT $3",
            job.documentId(),
            from,
            config.embedBatch())) {
      batch.add(
          new Chunker.Chunk(
              row.getInteger("seq"),
              row.getString("text"),
              new Location(
                  row.getInteger("page"),
                  row.getString("sheet"),
                  Arrays.asList(row.getArrayOfStrings("headings"))),
              row.getInteger("tokens")));
    }
    return batch;
  }

  /** Saves progress and renews the lease; false when the job is no longer this worker's. */
  private boolean progress(Job job, int done) {
    return Boolean.TRUE.equals(
        db.inTransaction(
            tx -> {
              int renewed =
                  Db.run(
                          tx,
                          "UPDATE ingest_job SET lease_until = now() + make_interval(secs => $3)"
                              + " WHERE document_id = $1 AND worker = $2",
                          job.documentId(),
                          me(),
                          (double) config.lease().toSeconds())
                      .rowCount();
              if (renewed == 0) {
                return false;
              }
              Db.run(
                  tx,
                  "UPDATE document SET chunks_done = $2, updated_at = now() WHERE id = $1",
                  job.documentId(),
                  done);
              return true;
            }));
  }

  private boolean exists(Job job) {
    return db.query("SELECT 1 FROM document WHERE id = $1", job.documentId()).iterator().hasNext();
  }

  private void finish(Job job, Work work, int total) {
    db.inTransaction(
        tx -> {
          int updated =
              Db.run(
                      tx,
                      "UPDATE document SET status = 'indexed', chunks_done = $2, error = NULL,"
                          + " updated_at = now() WHERE id = $1",
                      job.documentId(),
                      total)
                  .rowCount();
          Db.run(tx, "DELETE FROM ingest_job WHERE document_id = $1", job.documentId());
          if (updated > 0) {
            append(
                tx,
                job,
                EventType.DOCUMENT_INDEXED,
                new DocumentIndexed(
                    job.tenantId().toString(),
                    job.documentId().toString(),
                    work.collectionId().toString(),
                    total));
          }
          return null;
        });
    indexed.increment();
    LOG.infof("pipeline: indexed %s (%d chunks)", job.documentId(), total);
  }

  private void fail(Job job, Work work, String reason) {
    index.deleteDocument(job.tenantId(), job.documentId());
    db.inTransaction(
        tx -> {
          Db.run(tx, "DELETE FROM chunk WHERE document_id = $1", job.documentId());
          int updated =
              Db.run(
                      tx,
                      "UPDATE document SET status = 'failed', error = $2, chunks_done = 0,"
                          + " chunks_total = 0, updated_at = now() WHERE id = $1",
                      job.documentId(),
                      reason)
                  .rowCount();
          Db.run(tx, "DELETE FROM ingest_job WHERE document_id = $1", job.documentId());
          if (updated > 0) {
            append(
                tx,
                job,
                EventType.DOCUMENT_FAILED,
                new DocumentFailed(job.tenantId().toString(), job.documentId().toString(), reason));
          }
          return null;
        });
    failed.increment();
    LOG.infof("pipeline: %s failed: %s", job.documentId(), reason);
  }

  private static void append(SqlConnection tx, Job job, EventType type, Record data) {
    Outbox.append(
            tx,
            CloudEvent.of(
                type,
                "/ingestion-service",
                job.tenantId().toString(),
                "document/" + job.documentId(),
                data))
        .await()
        .atMost(Duration.ofSeconds(10));
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

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
