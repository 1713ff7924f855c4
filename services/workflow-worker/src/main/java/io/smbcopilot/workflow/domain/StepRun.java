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
 * A step of a run ({@code step_run}): its input, output or error. Succeeded or failed, it is never
 * run again; retrying, its next attempt is queued.
 */
@Entity
@Table(name = "step_run")
public class StepRun {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String RETRYING = "retrying";

  /** An approval step waiting for its decision. */
  public static final String WAITING = "waiting";

  @Id public UUID id;

  @Column(name = "run_id", nullable = false, updatable = false)
  public UUID runId;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  /** Its place in the run: 1 for the first step taken. */
  @Column(nullable = false, updatable = false)
  public int seq;

  @Column(name = "step_id", nullable = false, updatable = false)
  public String stepId;

  @Column(nullable = false, updatable = false)
  public String type;

  @Column(nullable = false)
  public String status;

  @Column(nullable = false)
  public int attempts;

  @JdbcTypeCode(SqlTypes.JSON)
  public String input;

  @JdbcTypeCode(SqlTypes.JSON)
  public String output;

  public String error;

  /** What kind of error: timeout, http.404, forbidden-address, input, ... */
  @Column(name = "error_code")
  public String errorCode;

  /** The attempts made before the run was last resumed from this step. */
  @Column(name = "retry_base", nullable = false)
  public int retryBase;

  @Column(name = "next_attempt_at")
  public OffsetDateTime nextAttemptAt;

  @Column(name = "started_at", nullable = false)
  public OffsetDateTime startedAt;

  @Column(name = "finished_at", nullable = false)
  public OffsetDateTime finishedAt;
}
