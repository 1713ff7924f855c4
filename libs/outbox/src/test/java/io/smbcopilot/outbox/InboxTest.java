package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import io.smbcopilot.devstack.DevStack;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The inbox behind an {@code @Incoming} method, on the real PostgreSQL and Kafka of the devstack:
 * each event applied once and redelivery changing nothing; a poison message and a record that is no
 * event dead-lettered by the connector without blocking the ones behind them, and replayed; each
 * for a consumer that reads records one at a time ({@link Inbox#process}) and one that reads a
 * poll's records at once ({@link Inbox#processBatch}).
 */
@QuarkusTest
@WithTestResource(InboxTopicsResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "inbox-test"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class InboxTest {
  private static final int EVENTS = 1000;

  @Inject Pool pool;
  @Inject MeterRegistry registry;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "mp.messaging.incoming.test-events.topic")
  String singleTopic;

  @ConfigProperty(name = "mp.messaging.incoming.test-batches.topic")
  String batchTopic;

  /** How the consumer under test reads its records. */
  enum Mode {
    ONE_AT_A_TIME(EffectConsumer.CONSUMER),
    BATCHES(EffectConsumer.BATCH_CONSUMER);

    final String consumer;

    Mode(String consumer) {
      this.consumer = consumer;
    }
  }

  private String topic(Mode mode) {
    return mode == Mode.BATCHES ? batchTopic : singleTopic;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachEventIsAppliedOnceAndRedeliveryChangesNothing(Mode mode) throws Exception {
    String topic = topic(mode);
    double processed = count(mode, "processed");
    double duplicates = count(mode, "duplicate");
    long total = total(mode);
    String tenant = "tenant-" + UUID.randomUUID();
    List<CloudEvent> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      events.add(event(tenant + "-" + (i % 4), i, false));
    }
    List<ProducerRecord<String, byte[]>> records =
        events.stream().map(e -> KafkaCloudEvents.toRecord(topic, e)).toList();
    send(records);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> count(mode, "processed") - processed == EVENTS);
    assertThat(total(mode) - total).isEqualTo(EVENTS);
    if (mode == Mode.BATCHES) {
      // a thousand events sent at once are applied many to a transaction, never more than the size
      DistributionSummary batches =
          registry.find("copilot.inbox.batch.events").tag("consumer", mode.consumer).summary();
      assertThat(batches).isNotNull();
      assertThat(batches.max()).isGreaterThan(1).isLessThanOrEqualTo(50);
      assertThat(batches.count()).isLessThan(EVENTS);
    }

    // Every event delivered a second time changes nothing.
    send(records);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> count(mode, "duplicate") - duplicates == EVENTS);
    assertThat(count(mode, "processed") - processed).isEqualTo(EVENTS);
    assertThat(total(mode) - total).isEqualTo(EVENTS);
    for (CloudEvent e : List.of(events.get(0), events.get(EVENTS / 2), events.get(EVENTS - 1))) {
      assertThat(effects(e)).as("event %s", e.subject()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEventTheConsumerDoesNotWantIsNeitherRecordedNorAppliedAndIsAppliedOnceWhenWantedLater(
      Mode mode) throws Exception {
    String topic = topic(mode);
    String tenant = "tenant-" + UUID.randomUUID();
    List<CloudEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(event(tenant, i, false));
    }
    List<ProducerRecord<String, byte[]>> records =
        events.stream().map(e -> KafkaCloudEvents.toRecord(topic, e)).toList();
    EffectConsumer.UNWANTED.add(tenant);
    try {
      sendAndAwait(mode, records, "skipped");
      for (CloudEvent e : events) {
        assertThat(effects(e)).as("event %s", e.subject()).isZero();
        assertThat(recorded(mode, e)).as("event %s", e.subject()).isZero();
      }
    } finally {
      EffectConsumer.UNWANTED.remove(tenant);
    }

    // Delivered again once they are wanted, they are applied, once.
    sendAndAwait(mode, records, "processed");
    sendAndAwait(mode, records, "duplicate");
    for (CloudEvent e : events) {
      assertThat(effects(e)).as("event %s", e.subject()).isEqualTo(1);
      assertThat(recorded(mode, e)).as("event %s", e.subject()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPoisonMessageGoesToTheDeadLetterTopicWithoutBlockingTheOnesBehindItAndCanBeReplayed(
      Mode mode) throws Exception {
    String topic = topic(mode);
    double processed = count(mode, "processed");
    double dead = count(mode, "dead-lettered");
    long total = total(mode);
    String tenant = "tenant-" + UUID.randomUUID();
    List<CloudEvent> events = new ArrayList<>();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      if (i == 9) {
        // not a CloudEvent at all: no headers, not JSON
        records.add(
            new ProducerRecord<>(topic, tenant, "garbage".getBytes(StandardCharsets.UTF_8)));
        continue;
      }
      CloudEvent event = event(tenant, i, i == 4);
      events.add(event);
      records.add(KafkaCloudEvents.toRecord(topic, event));
    }
    EffectConsumer.POISON_FAILS.set(true);
    send(records);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                count(mode, "dead-lettered") - dead == 2
                    && count(mode, "processed") - processed == 18);
    // every event behind the poison one (same tenant, so same partition) was applied
    for (CloudEvent e : events) {
      assertThat(effects(e) == 1)
          .as("event %s", e.subject())
          .isEqualTo(!e.subject().equals("item-4"));
    }
    List<ConsumerRecord<String, byte[]>> deadLetters =
        consume(Topics.deadLetter(topic), tenant, 2, Duration.ofMinutes(1));
    assertThat(deadLetters).hasSize(2);
    ConsumerRecord<String, byte[]> poison =
        deadLetters.stream()
            .filter(r -> r.headers().lastHeader(KafkaCloudEvents.ID) != null)
            .findFirst()
            .orElseThrow();
    assertThat(header(poison, Inbox.DLQ_ATTEMPTS)).isEqualTo("3");
    assertThat(header(poison, Inbox.DLQ_CONSUMER)).isEqualTo(mode.consumer);
    assertThat(header(poison, KafkaDeadLetterQueue.DEAD_LETTER_REASON)).contains("poison");
    assertThat(header(poison, KafkaDeadLetterQueue.DEAD_LETTER_TOPIC)).isEqualTo(topic);

    // Once the cause is fixed, the replay applies the event; the garbage goes back to the DLQ.
    EffectConsumer.POISON_FAILS.set(false);
    int replayed =
        DeadLetterReplayer.replay(bootstrap, Topics.deadLetter(topic), Duration.ofSeconds(60));
    assertThat(replayed).isEqualTo(2);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                count(mode, "processed") - processed == 19
                    && count(mode, "dead-lettered") - dead == 3);
    assertThat(effects(events.get(4))).isEqualTo(1);
    assertThat(total(mode) - total).isEqualTo(19);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void whileTheDatabaseIsAwayNothingIsDeadLetteredAndEveryEventIsAppliedOnceItReturns(Mode mode)
      throws Exception {
    String topic = topic(mode);
    double processed = count(mode, "processed");
    double dead = count(mode, "dead-lettered");
    String tenant = "tenant-" + UUID.randomUUID();
    List<CloudEvent> events = List.of(event(tenant, 1, false), event(tenant, 2, false));
    DevStack stack = DevStack.forTests(List.of("postgres", "kafka"));
    stack.stop("postgres");
    try {
      send(events.stream().map(e -> KafkaCloudEvents.toRecord(topic, e)).toList());
      // far longer than max-attempts x retry-backoff: the attempts are not counted
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> count(mode, "dead-lettered") == dead && count(mode, "processed") == processed);
    } finally {
      stack.start("postgres");
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> count(mode, "processed") - processed == 2);
    assertThat(count(mode, "dead-lettered")).isEqualTo(dead);
    for (CloudEvent e : events) {
      assertThat(effects(e)).as("event %s", e.subject()).isEqualTo(1);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private double count(Mode mode, String outcome) {
    return count(registry, mode.consumer, outcome);
  }

  /** Events the consumer handled with this outcome ({@code copilot.inbox.events}). */
  static double count(MeterRegistry registry, String consumer, String outcome) {
    Counter counter =
        registry
            .find("copilot.inbox.events")
            .tag("consumer", consumer)
            .tag("outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** An item event of EffectConsumer. */
  static CloudEvent event(String tenant, int i, boolean poison) {
    var data = JsonNodeFactory.instance.objectNode().put("n", i).put("poison", poison);
    return new CloudEvent(
        UUID.randomUUID().toString(),
        "/inbox-test",
        EffectConsumer.TYPE,
        "item-" + i,
        tenant,
        OffsetDateTime.now(ZoneOffset.UTC),
        data,
        null);
  }

  private void send(List<ProducerRecord<String, byte[]>> records) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "inbox-test-producer"))) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(
            new ProducerRecord<>(
                r.topic(), null, r.key(), r.value(), new RecordHeaders(r.headers().toArray())));
      }
      producer.flush();
    }
  }

  /** The records of one tenant (the record key) on a topic, read from its start. */
  private List<ConsumerRecord<String, byte[]>> consume(
      String from, String tenant, int expected, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "reader-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(from));
      long deadline = System.nanoTime() + timeout.toNanos();
      // read until the expected count, then a little longer to catch any duplicate
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          if (tenant.equals(r.key())) {
            records.add(r);
          }
        }
        if (records.size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        }
      }
    }
    return records;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  /** Sends the records and waits until the consumer counted each with this outcome. */
  private void sendAndAwait(Mode mode, List<ProducerRecord<String, byte[]>> records, String outcome)
      throws Exception {
    double before = count(mode, outcome);
    send(records);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> count(mode, outcome) - before == records.size());
  }

  /** Whether the consumer's inbox holds the event (0 or 1). */
  private long recorded(Mode mode, CloudEvent event) {
    return pool.preparedQuery(
            "SELECT count(*) AS n FROM inbox_event WHERE consumer = $1 AND event_id = $2")
        .execute(Tuple.of(mode.consumer, event.id()))
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getLong("n");
  }

  private long effects(CloudEvent event) {
    return pool.preparedQuery("SELECT count(*) AS n FROM effect WHERE event_id = $1")
        .execute(Tuple.of(event.id()))
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getLong("n");
  }

  private long total(Mode mode) {
    var rows =
        pool.preparedQuery("SELECT n FROM effect_total WHERE consumer = $1")
            .execute(Tuple.of(mode.consumer))
            .await()
            .atMost(Duration.ofSeconds(30));
    return rows.size() == 0 ? 0 : rows.iterator().next().getInteger("n");
  }
}
