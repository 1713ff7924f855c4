package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One version of a workflow's definition ({@code workflow_version}), never changed. */
@Entity
@Table(name = "workflow_version")
@IdClass(WorkflowVersion.Key.class)
public class WorkflowVersion {
  /** The key: workflow and version number. */
  public static class Key implements Serializable {
    public UUID workflowId;
    public int version;

    public Key() {}

    public Key(UUID workflowId, int version) {
      this.workflowId = workflowId;
      this.version = version;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.version == version && Objects.equals(k.workflowId, workflowId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(workflowId, version);
    }
  }

  @Id
  @Column(name = "workflow_id", updatable = false)
  public UUID workflowId;

  @Id
  @Column(updatable = false)
  public int version;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  /** The definition's JSON. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  public String definition;

  @Column(name = "created_by", nullable = false, updatable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;
}
