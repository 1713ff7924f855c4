package io.smbcopilot.workflow.repository;

import io.smbcopilot.outbox.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What the retention sweep ({@link Retention}) deletes here: the conversations and run histories
 * past their tenant's retention (issue 18; the settings come with the retention-changed events): a
 * conversation with no message for so many days goes whole, with its messages; a finished run
 * (succeeded, failed or cancelled) goes with its steps once it finished so long ago. Running and
 * waiting runs stay, whatever their age.
 */
@ApplicationScoped
public class RetentionKinds implements Retention.Kinds {
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

  @Override
  public List<Retention.Kind> kinds() {
    return KINDS;
  }
}
