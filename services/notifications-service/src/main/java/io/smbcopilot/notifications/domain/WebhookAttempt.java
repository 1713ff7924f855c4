package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One attempt to deliver a message ({@code webhook_attempt}). */
@Entity
@Table(name = "webhook_attempt")
public class WebhookAttempt {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(name = "message_id", nullable = false, updatable = false)
  public String messageId;

  @Column(name = "attempted_at", nullable = false, updatable = false)
  public OffsetDateTime attemptedAt;

  /** The receiver's status, or null when no answer came (refused, timed out). */
  @Column(name = "status_code", updatable = false)
  public Integer statusCode;

  @Column(name = "duration_ms", nullable = false, updatable = false)
  public int durationMs;

  /** The first 4 KB of the receiver's answer. */
  @Column(updatable = false)
  public String response;

  /** Why no answer came, or why the answer was not a success. */
  @Column(updatable = false)
  public String error;
}
