package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A run of a workflow ({@code workflow_run}), at the version it started with. */
@Entity
@Table(name = "workflow_run")
public class WorkflowRun {
  public static final String RUNNING = "running";

  /** Waiting for a decision on an approval step: nothing runs. */
  public static final String WAITING = "waiting";

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(name = "workflow_id", nullable = false, updatable = false)
  public UUID workflowId;

  @Column(nullable = false, updatable = false)
  public int version;

  @Column(nullable = false)
  public String status;

  /** What started it: the manual input, the event's data, the fire time. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "trigger_data", nullable = false, updatable = false)
  public String triggerData;

  /** How it started: manual, schedule, event or webhook. */
  @Column(name = "trigger_type", nullable = false, updatable = false)
  public String triggerType = "manual";

  @Column(name = "started_by", nullable = false, updatable = false)
  public String startedBy;

  @Column(name = "idempotency_key", updatable = false)
  public String idempotencyKey;

  public String error;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "finished_at")
  public OffsetDateTime finishedAt;
}
