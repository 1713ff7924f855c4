package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A message of a conversation ({@code message}): the user's question or the copilot's answer, with
 * the answer's citations and sources as JSON, as they were given.
 */
@Entity
@Table(name = "message")
public class Message {
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  @Id public UUID id;

  @Column(name = "conversation_id", nullable = false, updatable = false)
  public UUID conversationId;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false, updatable = false)
  public int seq;

  @Column(nullable = false, updatable = false)
  public String role;

  @Column(nullable = false, updatable = false)
  public String content;

  /**
   * An answer's citations and sources, {@code {"citations": [...], "sources": [...]}} (an object:
   * Hibernate Reactive binds JSON as an object).
   */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(updatable = false)
  public String answer;

  @Column(updatable = false)
  public Boolean abstained;

  @Column(updatable = false)
  public String answerer;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;
}
