package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's retention settings ({@code tenant_retention}): days kept by kind, null for ever. */
@Entity
@Table(name = "tenant_retention")
public class TenantRetention {
  @Id
  @Column(name = "tenant_id")
  public UUID tenantId;

  @Column(name = "conversations_days")
  public Integer conversationsDays;

  @Column(name = "runs_days")
  public Integer runsDays;

  @Column(name = "notifications_days")
  public Integer notificationsDays;

  @Column(name = "deliveries_days")
  public Integer deliveriesDays;

  @Column(name = "audit_log_days")
  public Integer auditLogDays;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  @Column(name = "updated_by", nullable = false)
  public String updatedBy;
}
