package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A business using the platform ({@code tenant}, owned by Flyway). */
@Entity
@Table(name = "tenant")
public class Tenant {
  @Id public UUID id;

  @Column(nullable = false)
  public String name;

  /** The plan that sets the tenant's rate limits and budgets, e.g. {@code free}. */
  @Column(nullable = false)
  public String plan;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  /** When its owner asked for its erasure (null: not asked, or cancelled). */
  @Column(name = "erasure_requested_at")
  public OffsetDateTime erasureRequestedAt;

  @Column(name = "erasure_requested_by")
  public String erasureRequestedBy;

  /** When the erasure is done, unless cancelled before. */
  @Column(name = "erasure_due_at")
  public OffsetDateTime erasureDueAt;
}
