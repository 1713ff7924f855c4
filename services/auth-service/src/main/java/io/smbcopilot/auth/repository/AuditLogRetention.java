package io.smbcopilot.auth.repository;

import io.smbcopilot.outbox.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** What the retention sweep ({@link Retention}) deletes here: the audit log's old entries. */
@ApplicationScoped
public class AuditLogRetention implements Retention.Kinds {
  /** The audit log's sweep: one batch of entries past their tenant's limit at ?1. */
  private static final Retention.Kind AUDIT_LOG =
      new Retention.Kind(
          "audit-log",
          """
          DELETE FROM audit_event WHERE seq IN (
            SELECT a.seq FROM audit_event a JOIN tenant_retention r ON r.tenant_id = a.tenant_id
            WHERE r.audit_log_days IS NOT NULL
              AND a.occurred_at < CAST(?1 AS timestamptz) - make_interval(days => r.audit_log_days)
            LIMIT %d)"""
              .formatted(Retention.BATCH));

  @Override
  public List<Retention.Kind> kinds() {
    return List.of(AUDIT_LOG);
  }
}
