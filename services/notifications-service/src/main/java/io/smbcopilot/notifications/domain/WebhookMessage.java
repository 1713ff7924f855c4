package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One event for one endpoint ({@code webhook_message}): its id is the {@code webhook-id} of every
 * attempt, its body the bytes signed and sent each time.
 */
@Entity
@Table(name = "webhook_message")
public class WebhookMessage {
  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";

  @Id public String id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(name = "endpoint_id", nullable = false, updatable = false)
  public UUID endpointId;

  /** The platform event's id (null for a test event). */
  @Column(name = "event_id", updatable = false)
  public String eventId;

  @Column(name = "event_type", nullable = false, updatable = false)
  public String eventType;

  @Column(nullable = false, updatable = false)
  public String body;

  @Column(nullable = false)
  public String status;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "next_attempt_at")
  public OffsetDateTime nextAttemptAt;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
