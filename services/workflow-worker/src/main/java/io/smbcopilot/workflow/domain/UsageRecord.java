package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** What one answer cost ({@code usage_record}). */
@Entity
@Table(name = "usage_record")
public class UsageRecord {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(name = "user_id", nullable = false)
  public String userId;

  @Column(name = "conversation_id")
  public UUID conversationId;

  @Column(name = "message_id")
  public UUID messageId;

  @Column(nullable = false)
  public String answerer;

  @Column(nullable = false)
  public String provider;

  public String model;

  @Column(name = "input_tokens", nullable = false)
  public long inputTokens;

  @Column(name = "output_tokens", nullable = false)
  public long outputTokens;

  @Column(nullable = false)
  public boolean estimated;

  @Column(name = "latency_ms", nullable = false)
  public long latencyMs;

  @Column(nullable = false)
  public BigDecimal cost;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;
}
