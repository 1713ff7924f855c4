package io.smbcopilot.outbox;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventJson;
import io.smbcopilot.events.EventType;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes events into the outbox table. Call it with the connection of the transaction that makes
 * the state change, so that both commit or neither does.
 */
public final class Outbox {
  static final String INSERT =
      "INSERT INTO outbox_event (id, topic, tenant_id, type, source, subject, occurred_at, data,"
          + " traceparent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9)";

  private Outbox() {}

  /** Appends the event, to the topic of its catalog type. */
  public static Uni<Void> append(SqlClient transaction, CloudEvent event) {
    String topic =
        EventType.byName(event.type())
            .map(EventType::topic)
            .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
    return append(transaction, topic, event);
  }

  public static Uni<Void> append(SqlClient transaction, String topic, CloudEvent event) {
    String data;
    try {
      data = EventJson.MAPPER.writeValueAsString(event.data());
    } catch (Exception e) {
      return Uni.createFrom().failure(e);
    }
    Tuple row = Tuple.tuple();
    row.addString(event.id())
        .addString(topic)
        .addString(event.tenantId())
        .addString(event.type())
        .addString(event.source())
        .addString(event.subject())
        .addOffsetDateTime(event.time())
        .addString(data)
        .addString(event.traceparent());
    return transaction.preparedQuery(INSERT).execute(row).replaceWithVoid();
  }
}
