package io.smbcopilot.workflow.messaging;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.outbox.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Deletes the conversations and run histories past their tenant's retention (issue 18; the settings
 * come with the retention-changed events): a conversation with no message for so many days goes
 * whole, with its messages; a finished run (succeeded, failed or cancelled) goes with its steps
 * once it finished so long ago. Running and waiting runs stay, whatever their age.
 */
@ApplicationScoped
public class RetentionSweep {
  private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

  static final List<Retention.Kind> KINDS =
      List.of(
          new Retention.Kind(
              "conversations",
              """
              DELETE FROM conversation WHERE id IN (
                SELECT c.id FROM conversation c JOIN retention_policy r ON r.tenant_id = c.tenant_id
                WHERE r.conversations_days IS NOT NULL
                  AND c.updated_at < CAST(?1 AS timestamptz) - make_interval(days => r.conversations_days)
                LIMIT %d)"""
                  .formatted(Retention.BATCH)),
          new Retention.Kind(
              "runs",
              """
              DELETE FROM workflow_run WHERE id IN (
                SELECT w.id FROM workflow_run w JOIN retention_policy r ON r.tenant_id = w.tenant_id
                WHERE r.runs_days IS NOT NULL
                  AND w.status IN ('succeeded', 'failed', 'cancelled')
                  AND w.finished_at < CAST(?1 AS timestamptz) - make_interval(days => r.runs_days)
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
