package io.smbcopilot.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventJson;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka. Each batch is locked with {@code FOR UPDATE SKIP LOCKED}, sent
 * with the idempotent producer ({@code acks=all}), and deleted in the same transaction once every
 * send is acknowledged; any failure rolls the batch back for a later attempt. Several relays (one
 * per service replica) share the table without publishing an event twice.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  static final String SELECT_BATCH =
      "SELECT id, topic, tenant_id, type, source, subject, occurred_at, data::text AS data,"
          + " traceparent FROM outbox_event ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED";
  static final String DELETE_BATCH = "DELETE FROM outbox_event WHERE id = ANY($1)";
  static final String LAG =
      "SELECT count(*) AS pending, COALESCE(EXTRACT(EPOCH FROM (now() - min(created_at))), 0)"
          + " AS lag FROM outbox_event";

  /**
   * How the relay works.
   *
   * @param name identifies this relay in logs, metrics and the Kafka client id
   * @param batchSize rows per transaction
   * @param pollInterval longest pause when the outbox is empty
   * @param maxBackoff longest pause after failures (doubling from the poll interval)
   * @param wakeOnInsert listen for the outbox trigger's notification and publish at once, instead
   *     of waiting for the next poll
   */
  public record Settings(
      String name,
      int batchSize,
      Duration pollInterval,
      Duration maxBackoff,
      boolean wakeOnInsert) {
    public Settings(String name, int batchSize, Duration pollInterval, Duration maxBackoff) {
      this(name, batchSize, pollInterval, maxBackoff, true);
    }

    public static Settings defaults(String name) {
      return new Settings(name, 200, Duration.ofSeconds(1), Duration.ofSeconds(5), true);
    }
  }

  private final Pool pool;
  private final Map<String, Object> producerConfig;
  private final Settings settings;
  private final AtomicReference<Producer<String, byte[]>> producer = new AtomicReference<>();
  private final OutboxListener listener;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();
  private final Counter published;
  private final Counter failures;
  private volatile boolean running;
  private Thread thread;
  private long lastLagCheck;

  public OutboxRelay(
      Pool pool, Map<String, Object> producerConfig, Settings settings, MeterRegistry registry) {
    this.pool = pool;
    this.producerConfig = Map.copyOf(producerConfig);
    this.settings = settings;
    this.listener = settings.wakeOnInsert() ? new OutboxListener(pool, settings.name()) : null;
    if (registry != null) {
      Gauge.builder("copilot.outbox.pending", pending, AtomicLong::get)
          .description("Events in the outbox not yet published")
          .register(registry);
      Gauge.builder("copilot.outbox.lag.seconds", lagMillis, v -> v.get() / 1000.0)
          .description("Age of the oldest unpublished outbox event")
          .register(registry);
      published =
          Counter.builder("copilot.outbox.published")
              .description("Events the relay published")
              .register(registry);
      failures =
          Counter.builder("copilot.outbox.failures")
              .description("Relay batches that failed and will be retried")
              .register(registry);
    } else {
      published = null;
      failures = null;
    }
  }

  /** Starts the relay loop on its own thread. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name("outbox-relay-" + settings.name()).daemon().start(this::loop);
  }

  private void loop() {
    Duration backoff = settings.pollInterval();
    while (running) {
      try {
        int sent = relayOnce();
        backoff = settings.pollInterval();
        refreshLag();
        if (sent < settings.batchSize()) {
          awaitWork();
        }
      } catch (Exception e) {
        if (!running) {
          break;
        }
        if (failures != null) {
          failures.increment();
        }
        LOG.warnf(
            "outbox relay %s: batch failed, retrying in %d ms: %s",
            settings.name(), backoff.toMillis(), e.toString());
        resetProducer();
        refreshLagQuietly();
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
      }
    }
  }

  /**
   * Publishes one batch: lock, send, await acknowledgements, delete, commit.
   *
   * @return the number of events published
   */
  public int relayOnce() throws Exception {
    int sent = Connections.inTransaction(pool, this::publishBatch);
    if (published != null) {
      published.increment(sent);
    }
    return sent;
  }

  private int publishBatch(SqlConnection connection) throws Exception {
    RowSet<Row> rows =
        connection
            .preparedQuery(SELECT_BATCH)
            .execute(Tuple.of(settings.batchSize()))
            .await()
            .atMost(Duration.ofSeconds(30));
    if (rows.size() == 0) {
      return 0;
    }
    Producer<String, byte[]> kafka = producer();
    // A broker that is away makes each send() wait max.block.ms and then hand back a failed
    // future; asking for each topic's partitions first fails the whole batch once, quickly.
    java.util.Set<String> topics = new java.util.HashSet<>();
    rows.forEach(row -> topics.add(row.getString("topic")));
    for (String topic : topics) {
      kafka.partitionsFor(topic);
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
    List<String> ids = new ArrayList<>(rows.size());
    for (Row row : rows) {
      CloudEvent event = toEvent(row);
      ids.add(event.id());
      Future<RecordMetadata> ack =
          kafka.send(KafkaCloudEvents.toRecord(row.getString("topic"), event));
      if (ack.isDone()) {
        ack.get(); // throws at once when the send already failed
      }
      acks.add(ack);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    for (Future<RecordMetadata> ack : acks) {
      ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    connection
        .preparedQuery(DELETE_BATCH)
        .execute(Tuple.of(ids.toArray(new String[0])))
        .await()
        .atMost(Duration.ofSeconds(30));
    return ids.size();
  }

  private static CloudEvent toEvent(Row row) throws Exception {
    return new CloudEvent(
        row.getString("id"),
        row.getString("source"),
        row.getString("type"),
        row.getString("subject"),
        row.getString("tenant_id"),
        row.getOffsetDateTime("occurred_at"),
        EventJson.MAPPER.readTree(row.getString("data")),
        row.getString("traceparent"));
  }

  /** Events waiting, as last measured (also exported as {@code copilot_outbox_pending}). */
  public long pending() {
    return pending.get();
  }

  private void refreshLag() {
    long now = System.nanoTime();
    if (now - lastLagCheck < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    lastLagCheck = now;
    refreshLagQuietly();
  }

  private void refreshLagQuietly() {
    try {
      // on a connection of the pool: see Inbox#databaseReachable
      Row row =
          Pools.withConnection(pool, c -> c.query(LAG).execute())
              .await()
              .atMost(Duration.ofSeconds(5))
              .iterator()
              .next();
      pending.set(row.getLong("pending"));
      lagMillis.set((long) (row.getNumeric("lag").doubleValue() * 1000));
    } catch (RuntimeException e) {
      // the database is unreachable; the last figures stay
    }
  }

  private Producer<String, byte[]> producer() {
    Producer<String, byte[]> current = producer.get();
    if (current == null) {
      current = new KafkaProducer<>(producerConfig);
      producer.set(current);
    }
    return current;
  }

  /** After a failure, a new producer starts from a clean state (fresh metadata, new epoch). */
  private void resetProducer() {
    Producer<String, byte[]> current = producer.getAndSet(null);
    if (current != null) {
      current.close(Duration.ofSeconds(1));
    }
  }

  /** Until the outbox trigger's notification, or the poll interval at the longest. */
  private void awaitWork() {
    if (listener == null) {
      pause(settings.pollInterval());
      return;
    }
    try {
      listener.await(settings.pollInterval());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    resetProducer();
    if (listener != null) {
      listener.close();
    }
  }
}
