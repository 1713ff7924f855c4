package io.smbcopilot.ingestion.service;

import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.ingestion.config.IngestionConfig;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.pipeline.Pipeline;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.tika.Tika;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;

/**
 * Documents: the original, stored in pieces in the service's own schema, its type detected from its
 * bytes, its SHA-256 (the same bytes twice in one collection are one document), and its status.
 * Storing it and the {@code document.uploaded} event commit together.
 */
@ApplicationScoped
public class DocumentService {
  static final String COLUMNS =
      "d.id, d.collection_id, c.name AS collection_name, d.title, d.file_name, d.media_type,"
          + " d.size_bytes, d.sha256, d.tags, d.status, d.error, d.chunks_done, d.chunks_total,"
          + " d.pages, d.created_by, d.created_at, d.updated_at";

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
      OffsetDateTime updatedAt) {}

  /** A stored document, and whether this upload made it or found it. */
  public record Upload(Document document, boolean created) {}

  private final Db db;
  private final CollectionService collections;
  private final IngestionConfig config;
  private final ChunkIndex index;
  private final Pipeline pipeline;
  private static final Tika TIKA = new Tika();
  private final Originals originals;

  public DocumentService(
      Db db,
      CollectionService collections,
      IngestionConfig config,
      ChunkIndex index,
      Pipeline pipeline,
      Originals originals) {
    this.db = db;
    this.originals = originals;
    this.collections = collections;
    this.config = config;
    this.index = index;
    this.pipeline = pipeline;
  }

  public Upload upload(
      Caller caller, Path file, String fileName, String title, String collection, List<String> tags)
      throws IOException {
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
          "the content is " + type + ", which is not a supported document type");
    }
    String sha256 = sha256(file);
    CollectionService.Collection target = collections.writableOne(caller, collection);
    Optional<Document> existing = bySha(caller.tenantId(), target.id(), sha256);
    if (existing.isPresent()) {
      return new Upload(existing.get(), false);
    }
    UUID id = UUID.randomUUID();
    String name = fileName == null || fileName.isBlank() ? "document" : fileName;
    String docTitle = title == null || title.isBlank() ? name : title.trim();
    try {
      db.inTransaction(
          tx -> {
            Db.run(
                tx,
                "INSERT INTO document (id, tenant_id, collection_id, title, status, file_name,"
                    + " media_type, size_bytes, sha256, tags, created_by)"
                    + " VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9, $10)",
                id,
                caller.tenantId(),
                target.id(),
                docTitle,
                name,
                type,
                size,
                sha256,
                tags.toArray(String[]::new),
                caller.subject());
            originals.store(tx, id, file);
            CloudEvent event =
                CloudEvent.of(
                    EventType.DOCUMENT_UPLOADED,
                    "/ingestion-service",
                    caller.tenantId().toString(),
                    "document/" + id,
                    new DocumentUploaded(
                        caller.tenantId().toString(),
                        id.toString(),
                        target.id().toString(),
                        name,
                        type,
                        size,
                        sha256));
            Outbox.append(tx, event).await().atMost(Duration.ofSeconds(10));
            return null;
          });
    } catch (RuntimeException e) {
      if (Db.duplicate(e)) {
        return new Upload(bySha(caller.tenantId(), target.id(), sha256).orElseThrow(), false);
      }
      throw e;
    }
    return new Upload(get(caller, id), true);
  }

  /** The media type, read from the content (the file name only refines a text type). */
  public static String detect(Path file, String fileName) throws IOException {
    Metadata metadata = new Metadata();
    if (fileName != null) {
      metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return TIKA.getDetector().detect(in, metadata).getBaseType().toString();
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

  private Optional<Document> bySha(UUID tenantId, UUID collectionId, String sha256) {
    Iterator<Row> rows =
        db.query(
                "SELECT "
                    + COLUMNS
                    + " FROM document d JOIN collection c ON c.id = d.collection_id"
                    + " WHERE d.tenant_id = $1 AND d.collection_id = $2 AND d.sha256 = $3",
                tenantId,
                collectionId,
                sha256)
            .iterator();
    return rows.hasNext() ? Optional.of(map(rows.next())) : Optional.empty();
  }

  /** A document in a collection the caller may read; 404 otherwise. */
  public Document get(Caller caller, UUID id) {
    return readable(caller, id).document();
  }

  private record Readable(Document document, CollectionService.Collection collection) {}

  private Readable readable(Caller caller, UUID id) {
    Iterator<Row> rows =
        db.query(
                "SELECT "
                    + COLUMNS
                    + " FROM document d JOIN collection c ON c.id = d.collection_id"
                    + " WHERE d.tenant_id = $1 AND d.id = $2",
                caller.tenantId(),
                id)
            .iterator();
    if (!rows.hasNext()) {
      throw ProblemException.notFound("document");
    }
    Document document = map(rows.next());
    return new Readable(
        document, collections.readableOne(caller, document.collectionId().toString()));
  }

  /**
   * Documents of the collections the caller may read, newest first, after the cursor; the
   * collection filter is part of the query.
   */
  public List<Document> list(
      Caller caller,
      String collection,
      String status,
      String tag,
      Paging.TimeCursor after,
      int limit) {
    List<UUID> readable =
        collection == null || collection.isBlank()
            ? collections.readable(caller).stream().map(CollectionService.Collection::id).toList()
            : List.of(collections.readableOne(caller, collection).id());
    List<Document> documents = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT "
                + COLUMNS
                + " FROM document d JOIN collection c ON c.id = d.collection_id"
                + " WHERE d.tenant_id = $1 AND d.collection_id = ANY($2)"
                + " AND ($3::text IS NULL OR d.status = $3)"
                + " AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4, $5))"
                + " AND ($7::text IS NULL OR $7 = ANY(d.tags))"
                + " ORDER BY d.created_at DESC, d.id DESC LIMIT $6",
            caller.tenantId(),
            readable.toArray(UUID[]::new),
            status,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit,
            tag)) {
      documents.add(map(row));
    }
    return documents;
  }

  /**
   * Writes the original of a document the caller was given by {@link #get} to the stream, one
   * stored piece at a time.
   */
  public void writeContent(Document document, OutputStream out) throws IOException {
    originals.copy(document.id(), out);
  }

  /**
   * Deletes the document, its original, its chunks and their vectors; the caller must be able to
   * write its collection.
   */
  public void delete(Caller caller, UUID id) {
    writable(caller, id);
    db.query("DELETE FROM document WHERE tenant_id = $1 AND id = $2", caller.tenantId(), id);
    index.deleteDocument(caller.tenantId(), id);
  }

  /**
   * Parses, chunks, embeds and indexes the document again (after a failure, or a better parser);
   * 409 while it is being processed.
   */
  public Document reindex(Caller caller, UUID id) {
    Readable r = writable(caller, id);
    int queued =
        db.inTransaction(
            tx -> {
              int updated =
                  Db.run(
                          tx,
                          "UPDATE document SET status = 'queued', chunks_done = 0,"
                              + " chunks_total = 0, error = NULL, updated_at = now()"
                              + " WHERE tenant_id = $1 AND id = $2"
                              + " AND status IN ('indexed', 'failed')",
                          caller.tenantId(),
                          id)
                      .rowCount();
              if (updated > 0) {
                Db.run(
                    tx,
                    "INSERT INTO ingest_job (document_id, tenant_id) VALUES ($1, $2)"
                        + " ON CONFLICT DO NOTHING",
                    id,
                    caller.tenantId());
              }
              return updated;
            });
    if (queued == 0) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "the document is " + r.document().status() + "; reindex it when it is indexed or failed");
    }
    pipeline.wake();
    return get(caller, id);
  }

  private Readable writable(Caller caller, UUID id) {
    Readable r = readable(caller, id);
    if (!r.collection().writableBy(caller)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "you may not change " + r.collection().name());
    }
    return r;
  }

  static Document map(Row row) {
    return new Document(
        row.getUUID("id"),
        row.getUUID("collection_id"),
        row.getString("collection_name"),
        row.getString("title"),
        row.getString("file_name"),
        row.getString("media_type"),
        row.getLong("size_bytes"),
        row.getString("sha256"),
        Arrays.stream(row.getArrayOfStrings("tags")).collect(Collectors.toList()),
        row.getString("status"),
        row.getString("error"),
        row.getInteger("chunks_done"),
        row.getInteger("chunks_total"),
        row.getInteger("pages"),
        row.getString("created_by"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}
