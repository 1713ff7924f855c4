package io.smbcopilot.outbox;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.KafkaCloudEvents;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast a consumer that fell behind catches up: a backlog of events sent at once, applied by the
 * consumer that reads records one at a time (a transaction each, {@link Inbox#process}) and by the
 * one that reads a poll's records at once ({@link Inbox#processBatch}, up to 50 events a
 * transaction), in turn, twice, in one run; the same handler (two inserts) for both. Prints events
 * per second and the ratio; asserts nothing about time. Run: {@code ./mvnw -B verify -pl
 * libs/outbox -am -Pbench -Doutbox.bench=InboxBenchmark}.
 */
@Tag("bench")
@QuarkusTest
@WithTestResource(InboxTopicsResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "inbox-test"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class InboxBenchmark {
  private static final int EVENTS = Integer.getInteger("inbox.bench.events", 5000);

  @Inject MeterRegistry registry;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "mp.messaging.incoming.test-events.topic")
  String singleTopic;

  @ConfigProperty(name = "mp.messaging.incoming.test-batches.topic")
  String batchTopic;

  @Test
  void catchingUpOneAtATimeAgainstBatches() throws Exception {
    // a first small round each, not counted: the code paths compile
    drain(singleTopic, EffectConsumer.CONSUMER, 500);
    drain(batchTopic, EffectConsumer.BATCH_CONSUMER, 500);
    List<String> lines = new ArrayList<>();
    double[] single = new double[2];
    double[] batches = new double[2];
    for (int round = 0; round < 2; round++) {
      single[round] = drain(singleTopic, EffectConsumer.CONSUMER, EVENTS);
      batches[round] = drain(batchTopic, EffectConsumer.BATCH_CONSUMER, EVENTS);
      lines.add(
          String.format(
              "  round %d: one at a time %.0f events/s; batches %.0f events/s; ratio %.1f",
              round + 1, single[round], batches[round], batches[round] / single[round]));
    }
    System.out.println(
        "=== inbox: a backlog of " + EVENTS + " events applied (PostgreSQL and Kafka) ===");
    lines.forEach(System.out::println);
  }

  /** Sends n events at once and waits until the consumer applied them; events per second. */
  private double drain(String topic, String consumer, int n) throws Exception {
    double before = processed(consumer);
    String tenant = "bench-" + UUID.randomUUID();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(
          KafkaCloudEvents.toRecord(topic, InboxTest.event(tenant + "-" + (i % 8), i, false)));
    }
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "inbox-bench-producer"))) {
      records.forEach(producer::send);
      producer.flush();
    }
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> processed(consumer) - before >= n);
    return n / ((System.nanoTime() - started) / 1e9);
  }

  private double processed(String consumer) {
    return InboxTest.count(registry, consumer, "processed");
  }
}
