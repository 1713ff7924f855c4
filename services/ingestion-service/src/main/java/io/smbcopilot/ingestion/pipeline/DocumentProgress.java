package io.smbcopilot.ingestion.pipeline;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentFailed;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.ingestion.domain.Chunk;
import io.smbcopilot.ingestion.domain.Document;
import io.smbcopilot.ingestion.repository.ChunkRepository;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import io.smbcopilot.ingestion.repository.OriginalRepository;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The pipeline's view of the database: a document's status machine ({@code queued -> parsing ->
 * embedding -> indexed | failed}, the end written with its event in one transaction), its saved
 * chunks and its original.
 *
 * <p>The pipeline's workers are plain threads doing CPU-heavy work (parsing, the model), so each
 * step here runs its Hibernate Reactive transaction on a Vert.x context of its own and the worker
 * waits for it ({@code VertxContextSupport.subscribeAndAwait}): waiting is the worker's job, and no
 * request or event-loop thread ever waits (decision 0004).
 */
@ApplicationScoped
public class DocumentProgress {
  static final String SOURCE = "/ingestion-service";

  private final DocumentRepository documents;
  private final ChunkRepository chunks;
  private final OriginalRepository originals;
  private final Outbox outbox;

  public DocumentProgress(
      DocumentRepository documents,
      ChunkRepository chunks,
      OriginalRepository originals,
      Outbox outbox) {
    this.documents = documents;
    this.chunks = chunks;
    this.originals = originals;
    this.outbox = outbox;
  }

  /**
   * What a worker starts from, read and changed in one transaction: the document, and unless it
   * resumes embedding where an earlier run stopped, it is marked {@code parsing} and comes with the
   * first piece of its original. Null when the document was deleted.
   */
  Begun begin(UUID tenantId, UUID documentId) {
    return JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    documents
                        .find(tenantId, documentId)
                        .chain(
                            document -> {
                              if (document == null) {
                                return Uni.createFrom().nullItem();
                              }
                              if (resumes(document)) {
                                return Uni.createFrom().item(new Begun(document, false, null));
                              }
                              return documents
                                  .markParsing(documentId, now())
                                  .chain(() -> chunks.any(documentId))
                                  .chain(
                                      hadChunks ->
                                          originals
                                              .first(documentId)
                                              .map(first -> new Begun(document, hadChunks, first)));
                            })));
  }

  /** A document stopped while embedding keeps its chunks and goes on from its progress. */
  static boolean resumes(Document document) {
    return "embedding".equals(document.status) && document.chunksTotal > 0;
  }

  /**
   * A document a worker has begun.
   *
   * @param document as it was found (its status before the worker took it)
   * @param hadChunks it is read again and had chunks from an earlier run
   * @param first the first piece of its original; null when it resumes embedding
   */
  record Begun(Document document, boolean hadChunks, OriginalRepository.First first) {}

  /**
   * Writes the original to the stream, one stored piece at a time: the first one the worker already
   * has, then any more.
   */
  void copyOriginal(UUID documentId, OriginalRepository.First first, OutputStream out) {
    try {
      if (first == null) {
        return;
      }
      out.write(first.bytes());
      if (!first.more()) {
        return;
      }
      for (int seq = 1; ; seq++) {
        int piece = seq;
        byte[] bytes =
            JobWorkers.awaitOnContext(
                () -> Panache.withSession(() -> originals.piece(documentId, piece)));
        if (bytes == null) {
          return;
        }
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the document's chunks with these and moves it on to embedding. */
  void chunked(UUID tenantId, UUID documentId, List<Chunker.Chunk> cut, Integer pages) {
    List<Chunk> rows = new ArrayList<>(cut.size());
    for (Chunker.Chunk c : cut) {
      Chunk row = new Chunk();
      row.documentId = documentId;
      row.seq = c.seq();
      row.tenantId = tenantId;
      row.text = c.text();
      row.tokens = c.tokens();
      row.page = c.location().page();
      row.sheet = c.location().sheet();
      row.slide = c.location().slide();
      row.headings = List.copyOf(c.location().headings());
      rows.add(row);
    }
    JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    chunks
                        .deleteAll(documentId)
                        .chain(() -> chunks.persist(rows))
                        .chain(
                            () -> documents.markEmbedding(documentId, cut.size(), pages, now()))));
  }

  /** The saved chunks from number {@code from} on (a document resumed after a stop). */
  List<Chunker.Chunk> saved(UUID documentId, int from, int limit) {
    List<Chunk> rows =
        JobWorkers.awaitOnContext(
            () -> Panache.withSession(() -> chunks.from(documentId, from, limit)));
    return rows.stream()
        .map(
            r ->
                new Chunker.Chunk(
                    r.seq,
                    r.text,
                    new Location(r.page, r.sheet, List.copyOf(r.headings), r.slide),
                    r.tokens))
        .toList();
  }

  /** Saves progress; false when the document was deleted meanwhile. */
  boolean progress(UUID documentId, int done) {
    return JobWorkers.awaitOnContext(
            () -> Panache.withTransaction(() -> documents.saveProgress(documentId, done, now())))
        > 0;
  }

  /**
   * The document is indexed, its last progress saved with it; its {@code document.indexed} event
   * goes out with the change, when {@code announce}. False when the document was deleted meanwhile.
   */
  boolean indexed(UUID tenantId, UUID documentId, UUID collectionId, int total, boolean announce) {
    return JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    documents
                        .markIndexed(documentId, total, now())
                        .chain(
                            updated ->
                                updated == 0
                                    ? Uni.createFrom().item(false)
                                    : (announce
                                            ? announceIndexed(
                                                tenantId, documentId, collectionId, total)
                                            : Uni.createFrom().voidItem())
                                        .replaceWith(true))));
  }

  /** The {@code document.indexed} event, in the outbox of the current transaction. */
  private Uni<Void> announceIndexed(UUID tenantId, UUID documentId, UUID collectionId, int total) {
    return documents
        .findById(documentId)
        .chain(
            d ->
                outbox.append(
                    event(
                        EventType.DOCUMENT_INDEXED,
                        tenantId,
                        documentId,
                        new DocumentIndexed(
                            tenantId.toString(),
                            documentId.toString(),
                            collectionId.toString(),
                            total,
                            d.createdBy,
                            titleOf(d),
                            d.mediaType,
                            d.tags == null ? List.of() : List.copyOf(d.tags)))))
        .replaceWithVoid();
  }

  /**
   * The document failed, with a reason for its owner; its chunks go, and its {@code
   * document.failed} event goes out with the change.
   */
  void failed(UUID tenantId, UUID documentId, String reason) {
    JobWorkers.awaitOnContext(() -> failedLater(tenantId, documentId, reason));
  }

  /** {@link #failed}, for a caller that composes. */
  Uni<Void> failedLater(UUID tenantId, UUID documentId, String reason) {
    return Panache.withTransaction(
        () ->
            chunks
                .deleteAll(documentId)
                .chain(() -> documents.markFailed(documentId, reason, now()))
                .chain(
                    updated ->
                        updated == 0
                            ? Uni.createFrom().voidItem()
                            : documents
                                .findById(documentId)
                                .chain(
                                    d ->
                                        outbox.append(
                                            event(
                                                EventType.DOCUMENT_FAILED,
                                                tenantId,
                                                documentId,
                                                new DocumentFailed(
                                                    tenantId.toString(),
                                                    documentId.toString(),
                                                    reason,
                                                    d.createdBy,
                                                    titleOf(d)))))));
  }

  /** What people call the document: its title, else its file's name. */
  private static String titleOf(io.smbcopilot.ingestion.domain.Document d) {
    return d.title != null && !d.title.isBlank() ? d.title : d.fileName;
  }

  private static CloudEvent event(EventType type, UUID tenantId, UUID documentId, Record data) {
    return CloudEvent.of(type, SOURCE, tenantId.toString(), "document/" + documentId, data);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
