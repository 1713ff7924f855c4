package io.smbcopilot.outbox;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventJson;
import io.smbcopilot.events.EventType;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes events into the outbox table, in the transaction that makes the state change, so that both
 * commit or neither does. An event without trace context gets the current span's, so that the relay
 * sends it and consumers continue the trace.
 *
 * <p>Services call {@link #append(CloudEvent)} inside their {@code @WithTransaction} method. The
 * static SQL-client variants are package-private: the outbox's own tests, which run without
 * Hibernate, write rows with them.
 */
@ApplicationScoped
public class Outbox {
  static final String INSERT =
      "INSERT INTO outbox_event (id, topic, tenant_id, type, source, subject, occurred_at, data,"
          + " traceparent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9)";

  private final OutboxRepository repository;

  public Outbox(OutboxRepository repository) {
    this.repository = repository;
  }

  /** Appends the event, to the topic of its catalog type, in the current session's transaction. */
  public Uni<Void> append(CloudEvent event) {
    return Uni.createFrom()
        .item(() -> row(topicOf(event), traced(event)))
        .flatMap(repository::persist)
        .replaceWithVoid();
  }

  /** Appends the event, to the topic of its catalog type. */
  static Uni<Void> append(SqlClient transaction, CloudEvent event) {
    return append(transaction, topicOf(event), event);
  }

  static Uni<Void> append(SqlClient transaction, String topic, CloudEvent event) {
    OutboxEvent row;
    try {
      row = row(topic, traced(event));
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(e);
    }
    Tuple values = Tuple.tuple();
    values
        .addString(row.id)
        .addString(row.topic)
        .addString(row.tenantId)
        .addString(row.type)
        .addString(row.source)
        .addString(row.subject)
        .addOffsetDateTime(row.occurredAt)
        .addString(row.data)
        .addString(row.traceparent);
    return transaction.preparedQuery(INSERT).execute(values).replaceWithVoid();
  }

  private static String topicOf(CloudEvent event) {
    return EventType.byName(event.type())
        .map(EventType::topic)
        .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
  }

  private static CloudEvent traced(CloudEvent event) {
    return event.traceparent() == null ? event.withTraceparent(Traceparents.current()) : event;
  }

  static OutboxEvent row(String topic, CloudEvent event) {
    OutboxEvent row = new OutboxEvent();
    row.id = event.id();
    row.topic = topic;
    row.tenantId = event.tenantId();
    row.type = event.type();
    row.source = event.source();
    row.subject = event.subject();
    row.occurredAt = event.time();
    try {
      row.data = EventJson.MAPPER.writeValueAsString(event.data());
    } catch (Exception e) {
      throw new IllegalArgumentException("event " + event.id() + " has data that is not JSON", e);
    }
    row.traceparent = event.traceparent();
    return row;
  }
}
