package io.smbcopilot.ingestion.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.ingestion.config.IngestionConfig;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.pipeline.IngestQueue;
import io.smbcopilot.ingestion.pipeline.Pipeline;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import io.smbcopilot.ingestion.repository.OriginalRepository;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.outbox.SqlErrors;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.tika.Tika;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;

/**
 * Documents: the original, stored in pieces in the service's own schema, its type detected from its
 * bytes, its SHA-256 (the same bytes twice in one collection are one document), and its status.
 * Storing it and the {@code document.uploaded} event commit together.
 */
@ApplicationScoped
public class DocumentService {
  public record Document(
      UUID id,
      UUID collectionId,
      String collection,
      String title,
      String fileName,
      String mediaType,
      long sizeBytes,
      String sha256,
      List<String> tags,
      String status,
      String error,
      int chunksDone,
      int chunksTotal,
      Integer pages,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {
    static Document of(io.smbcopilot.ingestion.domain.Document d, String collection) {
      return new Document(
          d.id,
          d.collectionId,
          collection,
          d.title,
          d.fileName,
          d.mediaType,
          d.sizeBytes,
          d.sha256,
          List.copyOf(d.tags),
          d.status,
          d.error,
          d.chunksDone,
          d.chunksTotal,
          d.pages,
          d.createdBy,
          d.createdAt,
          d.updatedAt);
    }
  }

  /** A stored document, and whether this upload made it or found it. */
  public record Upload(Document document, boolean created) {}

  /** What the bytes of an upload are. */
  private record Inspected(long size, String mediaType, String sha256) {}

  private static final Tika TIKA = new Tika();
  private static final MimeTypes MIME_TYPES = MimeTypes.getDefaultMimeTypes();
  private static final MediaTypeRegistry TYPES = MIME_TYPES.getMediaTypeRegistry();

  private final DocumentRepository documents;
  private final OriginalRepository originals;
  private final IngestQueue queue;
  private final CollectionService collections;
  private final IngestionConfig config;
  private final ChunkIndex index;
  private final Pipeline pipeline;
  private final Outbox outbox;
  private final Vertx vertx;

  public DocumentService(
      DocumentRepository documents,
      OriginalRepository originals,
      IngestQueue queue,
      CollectionService collections,
      IngestionConfig config,
      ChunkIndex index,
      Pipeline pipeline,
      Outbox outbox,
      Vertx vertx) {
    this.documents = documents;
    this.originals = originals;
    this.queue = queue;
    this.collections = collections;
    this.config = config;
    this.index = index;
    this.pipeline = pipeline;
    this.outbox = outbox;
    this.vertx = vertx;
  }

  /**
   * Stores the uploaded file as a new document of the collection, queued for indexing, unless the
   * collection has these bytes already. Reading the file (type, hash, pieces) runs on worker
   * threads; the database work is one transaction with the {@code document.uploaded} event.
   */
  @WithSpan("DocumentService.upload")
  public Uni<Upload> upload(
      Caller caller,
      Path file,
      String fileName,
      String title,
      String collection,
      List<String> tags) {
    String name = fileName == null || fileName.isBlank() ? "document" : fileName;
    String docTitle = title == null || title.isBlank() ? name : title.trim();
    return vertx
        .executeBlocking(() -> inspect(file, fileName), false)
        .chain(
            bytes ->
                Panache.withTransaction(
                        () ->
                            collections
                                .writableOne(caller, collection)
                                .chain(
                                    target ->
                                        documents
                                            .bySha(caller.tenantId(), target.id(), bytes.sha256())
                                            .chain(
                                                existing ->
                                                    existing != null
                                                        ? Uni.createFrom()
                                                            .item(
                                                                new Upload(
                                                                    Document.of(
                                                                        existing, target.name()),
                                                                    false))
                                                        : store(
                                                            caller, target, file, name, docTitle,
                                                            tags, bytes))))
                    // the same bytes uploaded twice at once: the second finds the first
                    .onFailure(SqlErrors::uniqueViolation)
                    .recoverWithUni(
                        e ->
                            Panache.withSession(
                                () ->
                                    collections
                                        .writableOne(caller, collection)
                                        .chain(
                                            target ->
                                                documents
                                                    .bySha(
                                                        caller.tenantId(),
                                                        target.id(),
                                                        bytes.sha256())
                                                    .map(
                                                        found ->
                                                            new Upload(
                                                                Document.of(found, target.name()),
                                                                false))))));
  }

  private Inspected inspect(Path file, String fileName) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "the file is empty");
    }
    if (size > config.maxUploadSize().asLongValue()) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "the file is larger than " + config.maxUploadSize().asLongValue() + " bytes");
    }
    String type = detect(file, fileName);
    if (!config.acceptedTypes().contains(type)) {
      throw new ProblemException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          MediaType.OCTET_STREAM.toString().equals(type)
              ? "the content is not a document type this service recognises, whatever its name"
                  + " says (supported: PDF, Word, Excel, PowerPoint, OpenDocument text, HTML,"
                  + " Markdown, text, CSV, e-mail, EPUB, RTF)"
              : "the content is " + type + ", which is not a supported document type");
    }
    return new Inspected(size, type, sha256(file));
  }

  /** The new document, its original and its event, in the current transaction. */
  private Uni<Upload> store(
      Caller caller,
      CollectionService.Collection target,
      Path file,
      String name,
      String title,
      List<String> tags,
      Inspected bytes) {
    io.smbcopilot.ingestion.domain.Document d = new io.smbcopilot.ingestion.domain.Document();
    d.id = UUID.randomUUID();
    d.tenantId = caller.tenantId();
    d.collectionId = target.id();
    d.title = title;
    d.status = "queued";
    d.fileName = name;
    d.mediaType = bytes.mediaType();
    d.sizeBytes = bytes.size();
    d.sha256 = bytes.sha256();
    d.tags = List.copyOf(tags);
    d.createdBy = caller.subject();
    d.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    d.updatedAt = d.createdAt;
    CloudEvent event =
        CloudEvent.of(
            EventType.DOCUMENT_UPLOADED,
            "/ingestion-service",
            caller.tenantId().toString(),
            "document/" + d.id,
            new DocumentUploaded(
                caller.tenantId().toString(),
                d.id.toString(),
                target.id().toString(),
                name,
                bytes.mediaType(),
                bytes.size(),
                bytes.sha256()));
    return documents
        .persist(d)
        .call(() -> Panache.getSession().chain(session -> session.flush()))
        .call(() -> storeOriginal(d.id, file, bytes.size()))
        .call(() -> outbox.append(event))
        .map(stored -> new Upload(Document.of(stored, target.name()), true));
  }

  /**
   * Stores the file in pieces, one after the other, each read on a worker thread and let go once it
   * is written: one piece in memory at a time (a recursive chain would hold every piece until the
   * last was written).
   */
  private Uni<Void> storeOriginal(UUID documentId, Path file, long size) {
    int pieceSize = (int) config.blobChunkSize().asLongValue();
    int pieces = (int) ((size + pieceSize - 1) / pieceSize);
    return Multi.createFrom()
        .range(0, pieces)
        .onItem()
        .transformToUniAndConcatenate(
            seq ->
                vertx
                    .executeBlocking(
                        () -> readPiece(file, (long) seq * pieceSize, pieceSize), false)
                    .chain(piece -> originals.store(documentId, seq, piece))
                    .replaceWith(seq))
        .collect()
        .last()
        .replaceWithVoid();
  }

  private static byte[] readPiece(Path file, long offset, int size) {
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(offset);
      return in.readNBytes(size);
    } catch (java.io.EOFException e) {
      return new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The media type, read from the content. The file's name only chooses among the types the content
   * allows, a more specific one (Markdown or CSV for plain text); it never makes unknown bytes a
   * PDF. Unknown content is {@code application/octet-stream}.
   */
  public static String detect(Path file, String fileName) throws IOException {
    MediaType content = detect(file, new Metadata());
    if (fileName == null || fileName.isBlank() || TYPES.getChildTypes(content).isEmpty()) {
      return content.toString();
    }
    // the name's type by its extension alone, without reading the bytes again
    MediaType named = MIME_TYPES.getMimeType(fileName).getType().getBaseType();
    return TYPES.isSpecializationOf(named, content) ? named.toString() : content.toString();
  }

  private static MediaType detect(Path file, Metadata metadata) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return TIKA.getDetector().detect(in, metadata).getBaseType();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A document as it is now, with its collection's restrictions, for the live stream (which asks
   * for each follower whether the collection is readable); absent when it was deleted.
   */
  public record Current(UUID id, Document document, CollectionService.Collection collection) {}

  /** The tenant's documents among these ids as they are now; deleted ones are left out. */
  @WithSession
  @WithSpan("DocumentService.current")
  public Uni<List<Current>> current(UUID tenantId, java.util.Collection<UUID> ids) {
    return documents
        .found(tenantId, ids)
        .chain(
            found ->
                collections
                    .all(tenantId)
                    .map(
                        all -> {
                          Map<UUID, CollectionService.Collection> byId =
                              all.stream()
                                  .collect(
                                      Collectors.toMap(CollectionService.Collection::id, c -> c));
                          return found.stream()
                              .filter(d -> byId.containsKey(d.collectionId))
                              .map(
                                  d -> {
                                    CollectionService.Collection c = byId.get(d.collectionId);
                                    return new Current(d.id, Document.of(d, c.name()), c);
                                  })
                              .toList();
                        }));
  }

  /** A document in a collection the caller may read; 404 otherwise. */
  @WithSession
  @WithSpan("DocumentService.get")
  public Uni<Document> get(Caller caller, UUID id) {
    return readable(caller, id).map(Readable::document);
  }

  private record Readable(
      io.smbcopilot.ingestion.domain.Document entity,
      Document document,
      CollectionService.Collection collection) {}

  private Uni<Readable> readable(Caller caller, UUID id) {
    return documents
        .find(caller.tenantId(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("document"))
        .chain(
            d ->
                collections
                    .readableOne(caller, d.collectionId.toString())
                    .map(c -> new Readable(d, Document.of(d, c.name()), c)));
  }

  /**
   * Documents of the collections the caller may read, newest first, after the cursor; the
   * collection filter is part of the query.
   */
  @WithTransaction
  @WithSpan("DocumentService.list")
  public Uni<List<Document>> list(
      Caller caller,
      String collection,
      String status,
      String tag,
      Paging.TimeCursor after,
      int limit) {
    Uni<List<CollectionService.Collection>> readable =
        collection == null || collection.isBlank()
            ? collections.readable(caller)
            : collections.readableOne(caller, collection).map(List::of);
    return readable.chain(
        found -> {
          Map<UUID, String> names =
              found.stream()
                  .collect(
                      Collectors.toMap(
                          CollectionService.Collection::id, CollectionService.Collection::name));
          return documents
              .page(caller.tenantId(), List.copyOf(names.keySet()), status, tag, after, limit)
              .map(
                  page ->
                      page.stream().map(d -> Document.of(d, names.get(d.collectionId))).toList());
        });
  }

  /**
   * The original of a document the caller was given by {@link #get}, one stored piece at a time,
   * each read in a session of its own.
   */
  public Multi<byte[]> content(Document document) {
    AtomicInteger seq = new AtomicInteger();
    return Multi.createBy()
        .repeating()
        .uni(
            () ->
                Panache.withSession(() -> originals.piece(document.id(), seq.getAndIncrement()))
                    .map(piece -> piece == null ? new byte[0] : piece))
        .until(piece -> piece.length == 0);
  }

  /**
   * Deletes the document, its original, its chunks and their vectors; the caller must be able to
   * write its collection.
   */
  @WithSpan("DocumentService.delete")
  public Uni<Void> delete(Caller caller, UUID id) {
    return Panache.withTransaction(
            () -> writable(caller, id).call(r -> documents.delete(r.entity())))
        .chain(
            r ->
                vertx.executeBlocking(
                    () -> {
                      index.deleteDocument(caller.tenantId(), id);
                      return null;
                    },
                    false))
        .replaceWithVoid();
  }

  /**
   * Parses, chunks, embeds and indexes the document again (after a failure, or a better parser);
   * 409 while it is being processed.
   */
  @WithSpan("DocumentService.reindex")
  public Uni<Document> reindex(Caller caller, UUID id) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return Panache.withTransaction(
            () ->
                writable(caller, id)
                    .chain(
                        r ->
                            documents
                                .requeue(caller.tenantId(), id, now)
                                .chain(
                                    queued -> {
                                      if (queued == 0) {
                                        return Uni.createFrom()
                                            .failure(
                                                new ProblemException(
                                                    ProblemType.CONFLICT,
                                                    "the document is "
                                                        + r.document().status()
                                                        + "; reindex it when it is indexed or"
                                                        + " failed"));
                                      }
                                      return queue.enqueue(caller.tenantId(), id);
                                    }))
                    // the document as this transaction left it (queued), read before a worker
                    // can take it: the session forgets what it loaded before the bulk update
                    .chain(() -> Panache.getSession().invoke(s -> s.clear()))
                    .chain(() -> get(caller, id)))
        .invoke(pipeline::wake);
  }

  private Uni<Readable> writable(Caller caller, UUID id) {
    return readable(caller, id)
        .invoke(
            r -> {
              if (!r.collection().writableBy(caller)) {
                throw new ProblemException(
                    ProblemType.FORBIDDEN, "you may not change " + r.collection().name());
              }
            });
  }
}
