package io.smbcopilot.ingestion.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One passage of a document as the pipeline cut it ({@code chunk}): its text, its size in the
 * model's word pieces and where it is. The index holds its vector; this row lets a resumed document
 * carry on without parsing again.
 */
@Entity
@Table(name = "chunk")
@IdClass(Chunk.Key.class)
public class Chunk {
  /** A chunk's key: its document and its number in it. */
  public static class Key implements Serializable {
    public UUID documentId;
    public int seq;

    public Key() {}

    public Key(UUID documentId, int seq) {
      this.documentId = documentId;
      this.seq = seq;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.seq == seq && Objects.equals(k.documentId, documentId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(documentId, seq);
    }
  }

  @Id
  @Column(name = "document_id")
  public UUID documentId;

  @Id public int seq;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String text;

  @Column(nullable = false)
  public int tokens;

  public Integer page;

  public String sheet;

  /** The slide of a presentation. */
  public Integer slide;

  /** The headings above it, outermost first. */
  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  public List<String> headings;
}
