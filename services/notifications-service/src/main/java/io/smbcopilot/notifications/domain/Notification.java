package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One message in a user's in-app feed ({@code notification}, owned by Flyway). */
@Entity
@Table(name = "notification")
public class Notification {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(name = "user_id", nullable = false)
  public String userId;

  /** What happened, e.g. {@code welcome}. */
  @Column(nullable = false)
  public String kind;

  @Column(nullable = false)
  public String title;

  public String body;

  /** Where in the dashboard it leads. */
  public String link;

  /** The event it came from. */
  @Column(name = "source_event_id")
  public String sourceEventId;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "read_at")
  public OffsetDateTime readAt;
}
