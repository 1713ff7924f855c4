package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A run of an evaluation set through the copilot ({@code evaluation}). */
@Entity
@Table(name = "evaluation")
public class Evaluation {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(name = "user_id", nullable = false, updatable = false)
  public String userId;

  public String name;

  @Column(nullable = false)
  public String answerer;

  public String model;

  /** The totals, one JSON object. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false)
  public String totals;

  /** Each question's result, as one JSON object {@code {"questions": [...]}}. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false)
  public String results;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;
}
