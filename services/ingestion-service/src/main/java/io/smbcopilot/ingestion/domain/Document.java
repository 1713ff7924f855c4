package io.smbcopilot.ingestion.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An uploaded document ({@code document}): what it is, where it belongs and how far the pipeline
 * got. The original's bytes are in {@code document_blob}, its passages in {@code chunk}.
 */
@Entity
@Table(name = "document")
public class Document {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(name = "collection_id", nullable = false, updatable = false)
  public UUID collectionId;

  @Column(nullable = false)
  public String title;

  /** {@code queued}, {@code parsing}, {@code embedding}, {@code indexed} or {@code failed}. */
  @Column(nullable = false)
  public String status;

  @Column(name = "file_name", nullable = false, updatable = false)
  public String fileName;

  @Column(name = "media_type", nullable = false, updatable = false)
  public String mediaType;

  @Column(name = "size_bytes", nullable = false, updatable = false)
  public long sizeBytes;

  /** Hex SHA-256 of the original: the same bytes twice in one collection are one document. */
  @Column(nullable = false, updatable = false)
  public String sha256;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  public List<String> tags;

  @Column(name = "created_by", updatable = false)
  public String createdBy;

  public String error;

  @Column(name = "chunks_done", nullable = false)
  public int chunksDone;

  @Column(name = "chunks_total", nullable = false)
  public int chunksTotal;

  public Integer pages;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
