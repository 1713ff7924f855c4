package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What starts an enabled workflow ({@code workflow_trigger}), in step with its current version: a
 * schedule's next fire time, an event trigger's event and filters. Manual-only workflows have none.
 */
@Entity
@Table(name = "workflow_trigger")
public class WorkflowTrigger {
  @Id
  @Column(name = "workflow_id")
  public UUID workflowId;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public int version;

  @Column(nullable = false)
  public String type;

  @Column(name = "event_type")
  public String eventType;

  public String collection;

  public String tag;

  @Column(name = "media_type")
  public String mediaType;

  @Column(name = "next_fire_at")
  public OffsetDateTime nextFireAt;

  /** Fire times skipped (missed while nothing ran, under the skip policy). */
  @Column(nullable = false)
  public long skipped;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
