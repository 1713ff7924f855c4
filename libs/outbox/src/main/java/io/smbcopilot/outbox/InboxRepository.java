package io.smbcopilot.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The ids of the events a consumer has applied ({@code inbox_event}), written in the transaction of
 * the effect. An upsert that reports whether the row is new is what this needs, so it is native
 * SQL.
 */
@ApplicationScoped
public class InboxRepository {
  static final String RECORD =
      "INSERT INTO inbox_event (consumer, event_id, event_type, tenant_id)"
          + " VALUES (:consumer, :id, :type, :tenant) ON CONFLICT DO NOTHING";

  /** Records the event for the consumer; false when it was recorded before (a redelivery). */
  public Uni<Boolean> record(String consumer, CloudEvent event) {
    return Panache.getSession()
        .flatMap(
            session ->
                session
                    .createNativeQuery(RECORD)
                    .setParameter("consumer", consumer)
                    .setParameter("id", event.id())
                    .setParameter("type", event.type())
                    .setParameter("tenant", event.tenantId())
                    .executeUpdate())
        .map(rows -> rows == 1);
  }
}
