package io.smbcopilot.notifications.repository;

import io.smbcopilot.outbox.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What the retention sweep ({@link Retention}) deletes here: the notifications and deliveries past
 * their tenant's retention (issue 18; the settings come with the retention-changed events): in-app
 * notifications by their age; webhook messages (with their attempts) and mails once done (delivered
 * or failed; sent, failed, digested or cancelled) by their last change. What is still to be
 * delivered stays, whatever its age.
 */
@ApplicationScoped
public class RetentionKinds implements Retention.Kinds {
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

  @Override
  public List<Retention.Kind> kinds() {
    return KINDS;
  }
}
