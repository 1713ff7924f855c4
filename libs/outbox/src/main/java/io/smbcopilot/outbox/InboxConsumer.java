package io.smbcopilot.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.InvalidEventException;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Consumes events and applies each exactly once: the event id goes into {@code inbox_event} in the
 * same transaction as the handler's effect, so a redelivered event changes nothing. A record that
 * is not a valid event, or whose handler still fails after the configured attempts, goes to the
 * topic's dead-letter topic ({@code <topic>.dlq}) and the records behind it carry on. While the
 * database is unreachable nothing is dead-lettered: the consumer waits and retries.
 */
public final class InboxConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(InboxConsumer.class);
  static final String RECORD =
      "INSERT INTO inbox_event (consumer, event_id, event_type, tenant_id) VALUES ($1, $2, $3, $4)"
          + " ON CONFLICT DO NOTHING";

  public static final String DLQ_ORIGINAL_TOPIC = "dlq_original_topic";
  public static final String DLQ_ORIGINAL_PARTITION = "dlq_original_partition";
  public static final String DLQ_ORIGINAL_OFFSET = "dlq_original_offset";
  public static final String DLQ_CONSUMER = "dlq_consumer";
  public static final String DLQ_ERROR = "dlq_error";
  public static final String DLQ_ATTEMPTS = "dlq_attempts";
  public static final String DLQ_FAILED_AT = "dlq_failed_at";

  /** The effect of one event, run inside the transaction that records its id. */
  @FunctionalInterface
  public interface Handler {
    Uni<Void> handle(SqlConnection transaction, CloudEvent event);
  }

  /**
   * @param consumer name of this consumer (also its Kafka group id and its key in the inbox)
   * @param maxAttempts handler attempts before a record is dead-lettered
   * @param retryBackoff pause between attempts (multiplied by the attempt number)
   */
  public record Settings(String consumer, int maxAttempts, Duration retryBackoff) {
    public static Settings defaults(String consumer) {
      return new Settings(consumer, 5, Duration.ofMillis(200));
    }
  }

  private final Pool pool;
  private final List<String> topics;
  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> producerConfig;
  private final Handler handler;
  private final Settings settings;
  private final Counter processed;
  private final Counter duplicates;
  private final Counter deadLettered;
  private volatile boolean running;
  private volatile KafkaConsumer<String, byte[]> kafka;
  private Thread thread;

  public InboxConsumer(
      Pool pool,
      List<String> topics,
      String bootstrapServers,
      Handler handler,
      Settings settings,
      MeterRegistry registry) {
    this.pool = pool;
    this.topics = List.copyOf(topics);
    this.consumerConfig = KafkaSettings.consumer(bootstrapServers, settings.consumer());
    this.producerConfig = KafkaSettings.producer(bootstrapServers, settings.consumer() + "-dlq");
    this.handler = handler;
    this.settings = settings;
    MeterRegistry meters =
        registry != null
            ? registry
            : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    this.processed = counter(meters, "processed");
    this.duplicates = counter(meters, "duplicate");
    this.deadLettered = counter(meters, "dead-lettered");
  }

  private Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("copilot.inbox.events")
        .description("Events a consumer handled, by outcome")
        .tag("consumer", settings.consumer())
        .tag("outcome", outcome)
        .register(registry);
  }

  public double processedCount() {
    return processed.count();
  }

  public double duplicateCount() {
    return duplicates.count();
  }

  public double deadLetteredCount() {
    return deadLettered.count();
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name("inbox-" + settings.consumer()).daemon().start(this::loop);
  }

  private void loop() {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig);
        KafkaProducer<String, byte[]> dlq = new KafkaProducer<>(producerConfig)) {
      kafka = consumer;
      consumer.subscribe(topics);
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (TopicPartition partition : records.partitions()) {
          for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
            if (!running) {
              return;
            }
            if (!handle(record, dlq)) {
              // Not handled and not dead-lettered (database or broker away): read it again later.
              consumer.seek(partition, record.offset());
              pause(settings.retryBackoff().multipliedBy(5));
              break;
            }
            consumer.commitSync(
                Map.of(partition, new OffsetAndMetadata(record.offset() + 1)),
                Duration.ofSeconds(30));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        LOG.errorf(e, "inbox consumer %s stopped", settings.consumer());
      }
    } finally {
      kafka = null;
    }
  }

  /**
   * @return true when the record is done with (applied, a duplicate, or dead-lettered)
   */
  private boolean handle(ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> dlq) {
    CloudEvent event;
    try {
      event = KafkaCloudEvents.fromRecord(record);
    } catch (InvalidEventException e) {
      return deadLetter(record, e, 0, dlq);
    }
    RuntimeException last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts() && running; attempt++) {
      try {
        boolean applied = apply(event);
        (applied ? processed : duplicates).increment();
        return true;
      } catch (RuntimeException e) {
        last = e;
        if (!databaseReachable()) {
          LOG.warnf(
              "inbox %s: database unreachable, will retry %s", settings.consumer(), event.id());
          return false;
        }
        LOG.debugf(
            "inbox %s: attempt %d for %s failed: %s", settings.consumer(), attempt, event.id(), e);
        if (attempt < settings.maxAttempts()) {
          pause(settings.retryBackoff().multipliedBy(attempt));
        }
      }
    }
    return running && deadLetter(record, last, settings.maxAttempts(), dlq);
  }

  /** Records the id and runs the handler in one transaction; false when the id was known. */
  private boolean apply(CloudEvent event) {
    try {
      return Connections.inTransaction(
          pool,
          tx ->
              tx.preparedQuery(RECORD)
                  .execute(
                      Tuple.of(settings.consumer(), event.id(), event.type(), event.tenantId()))
                  .flatMap(
                      rows ->
                          rows.rowCount() == 0
                              ? Uni.createFrom().item(false)
                              : handler.handle(tx, event).replaceWith(true))
                  .await()
                  .atMost(Duration.ofSeconds(60)));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean databaseReachable() {
    try {
      pool.query("SELECT 1").execute().await().atMost(Duration.ofSeconds(5));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean deadLetter(
      ConsumerRecord<String, byte[]> record,
      Exception error,
      int attempts,
      KafkaProducer<String, byte[]> dlq) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    put(headers, DLQ_ORIGINAL_TOPIC, record.topic());
    put(headers, DLQ_ORIGINAL_PARTITION, String.valueOf(record.partition()));
    put(headers, DLQ_ORIGINAL_OFFSET, String.valueOf(record.offset()));
    put(headers, DLQ_CONSUMER, settings.consumer());
    put(headers, DLQ_ERROR, String.valueOf(error));
    put(headers, DLQ_ATTEMPTS, String.valueOf(attempts));
    put(headers, DLQ_FAILED_AT, Instant.now().toString());
    try {
      dlq.send(
              new ProducerRecord<>(
                  Topics.deadLetter(record.topic()), null, record.key(), record.value(), headers))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warnf(
          "inbox %s: could not dead-letter offset %d: %s", settings.consumer(), record.offset(), e);
      return false;
    }
    deadLettered.increment();
    LOG.warnf(
        "inbox %s: %s-%d@%d dead-lettered after %d attempts: %s",
        settings.consumer(), record.topic(), record.partition(), record.offset(), attempts, error);
    return true;
  }

  private static void put(RecordHeaders headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    KafkaConsumer<String, byte[]> consumer = kafka;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
