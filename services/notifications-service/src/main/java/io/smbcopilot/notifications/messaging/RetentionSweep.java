package io.smbcopilot.notifications.messaging;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.outbox.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Deletes the notifications and deliveries past their tenant's retention (issue 18; the settings
 * come with the retention-changed events): in-app notifications by their age; webhook messages
 * (with their attempts) and mails once done (delivered or failed; sent, failed, digested or
 * cancelled) by their last change. What is still to be delivered stays, whatever its age.
 */
@ApplicationScoped
public class RetentionSweep {
  private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

  static final List<Retention.Kind> KINDS =
      List.of(
          new Retention.Kind(
              "notifications",
              """
              DELETE FROM notification WHERE id IN (
                SELECT n.id FROM notification n JOIN retention_policy r ON r.tenant_id = n.tenant_id
                WHERE r.notifications_days IS NOT NULL
                  AND n.created_at < CAST(?1 AS timestamptz) - make_interval(days => r.notifications_days)
                LIMIT %d)"""
                  .formatted(Retention.BATCH)),
          new Retention.Kind(
              "webhook-deliveries",
              """
              DELETE FROM webhook_message WHERE id IN (
                SELECT m.id FROM webhook_message m JOIN retention_policy r ON r.tenant_id = m.tenant_id
                WHERE r.deliveries_days IS NOT NULL AND m.status <> 'pending'
                  AND m.updated_at < CAST(?1 AS timestamptz) - make_interval(days => r.deliveries_days)
                LIMIT %d)"""
                  .formatted(Retention.BATCH)),
          new Retention.Kind(
              "mails",
              """
              DELETE FROM mail_message WHERE id IN (
                SELECT m.id FROM mail_message m JOIN retention_policy r ON r.tenant_id = m.tenant_id
                WHERE r.deliveries_days IS NOT NULL
                  AND m.status IN ('sent', 'failed', 'digested', 'cancelled')
                  AND m.updated_at < CAST(?1 AS timestamptz) - make_interval(days => r.deliveries_days)
                LIMIT %d)"""
                  .formatted(Retention.BATCH)));

  private final Retention retention;

  public RetentionSweep(Retention retention) {
    this.retention = retention;
  }

  @Scheduled(
      every = "${copilot.retention.every}",
      delayed = "30s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return sweep()
        .onFailure()
        .invoke(e -> LOG.warnf("retention: the sweep failed, the next one tries again: %s", e))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** One sweep at the retention clock's time: the rows deleted by kind. */
  public Uni<Map<String, Long>> sweep() {
    return retention.sweep(KINDS);
  }
}
