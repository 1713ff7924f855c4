package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One entry of the append-only audit log ({@code audit_event}; triggers refuse UPDATE, TRUNCATE and
 * any DELETE but the retention sweep's). The sequence number orders the log and is its cursor; the
 * database stamps the time.
 */
@Entity
@Table(name = "audit_event")
public class AuditEvent {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long seq;

  @Column(nullable = false, updatable = false)
  public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  /** Stamped by the database on insert (not read back after a write). */
  @Column(name = "occurred_at", insertable = false, updatable = false)
  public OffsetDateTime occurredAt;

  @Column(name = "actor_id", nullable = false, updatable = false)
  public String actorId;

  /** {@code user}, {@code api-key}, {@code service} or {@code anonymous}. */
  @Column(name = "actor_type", nullable = false, updatable = false)
  public String actorType;

  /** What was done, e.g. {@code member.removed}. */
  @Column(nullable = false, updatable = false)
  public String action;

  @Column(name = "target_type", nullable = false, updatable = false)
  public String targetType;

  @Column(name = "target_id", updatable = false)
  public String targetId;

  /** {@code success} or {@code denied}. */
  @Column(nullable = false, updatable = false)
  public String result;

  @Column(updatable = false)
  public String ip;

  @Column(name = "request_id", updatable = false)
  public String requestId;

  /** A JSON object. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  public String details;
}
