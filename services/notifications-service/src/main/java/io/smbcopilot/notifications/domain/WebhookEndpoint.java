package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A partner's endpoint for the tenant's events ({@code webhook_endpoint}, owned by Flyway). */
@Entity
@Table(name = "webhook_endpoint")
public class WebhookEndpoint {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String url;

  public String description;

  /** The event types delivered, {@code {"types": [...]}}; an empty list: every type. */
  @Column(name = "event_types", nullable = false)
  @JdbcTypeCode(SqlTypes.JSON)
  public String eventTypes;

  @Column(nullable = false)
  public boolean enabled;

  /** Why the platform disabled it (410 from the receiver, failing for days), or null. */
  @Column(name = "disabled_reason")
  public String disabledReason;

  /** Since when its deliveries fail without a success, or null. */
  @Column(name = "failing_since")
  public OffsetDateTime failingSince;

  @Column(name = "secret_encrypted", nullable = false)
  public String secretEncrypted;

  @Column(name = "previous_secret_encrypted")
  public String previousSecretEncrypted;

  @Column(name = "previous_secret_expires_at")
  public OffsetDateTime previousSecretExpiresAt;

  @Column(name = "created_by", nullable = false, updatable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
