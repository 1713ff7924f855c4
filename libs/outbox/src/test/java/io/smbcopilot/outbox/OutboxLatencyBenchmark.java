package io.smbcopilot.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.smbcopilot.devstack.DevStack;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.KafkaCloudEvents;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Outbox-to-consumer latency, from the transaction that writes an event to a Kafka consumer
 * receiving it, for the relay that polls every 200 ms (as before the wake-up) and the relay that
 * the outbox trigger wakes, side by side in one run. Prints p50/p99/max; asserts nothing about
 * time. Run: {@code ./mvnw -B verify -pl libs/outbox -am -Pbench}.
 */
@Tag("bench")
class OutboxLatencyBenchmark {
  private static final int EVENTS = Integer.getInteger("outbox.bench.events", 300);

  @Test
  void latencyPollingAgainstWoken() throws Exception {
    DevStack stack = DevStack.forTests(List.of("postgres", "kafka"));
    String bootstrap = stack.kafkaBootstrapServers();
    try (OutboxSchema schema = new OutboxSchema(stack, "outbox-bench")) {
      List<String> lines = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        lines.add(
            measure(schema, bootstrap, "polling every 200 ms", false, Duration.ofMillis(200)));
        lines.add(measure(schema, bootstrap, "woken on insert", true, Duration.ofSeconds(1)));
      }
      System.out.println("=== outbox-to-consumer latency, " + EVENTS + " events a round ===");
      lines.forEach(System.out::println);
    }
  }

  private static String measure(
      OutboxSchema schema, String bootstrap, String label, boolean wake, Duration poll)
      throws Exception {
    String topic = "bench.outbox." + UUID.randomUUID();
    Map<String, Long> committedAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean reading = new AtomicBoolean(true);
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (KafkaConsumer<String, byte[]> consumer =
                      new KafkaConsumer<>(
                          KafkaSettings.consumer(bootstrap, "bench-" + UUID.randomUUID()))) {
                    consumer.subscribe(List.of(topic));
                    while (reading.get()) {
                      for (ConsumerRecord<String, byte[]> r :
                          consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        String id = KafkaCloudEvents.fromRecord(r).id();
                        seen.add(id);
                        Long at = committedAt.get(id);
                        if (at != null) {
                          latencies.add(now - at);
                        }
                      }
                    }
                  }
                });
    OutboxRelay.Settings settings =
        new OutboxRelay.Settings(label, 200, poll, Duration.ofSeconds(2), wake);
    try (OutboxRelay relay =
        new OutboxRelay(
            schema.pool, KafkaSettings.producer(bootstrap, "bench-relay"), settings, null)) {
      relay.start();
      // warm-up: the topic exists, the consumer has its partitions, the producer its metadata
      String warmUp = write(schema, topic, null);
      long warmUpDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!seen.contains(warmUp) && System.nanoTime() < warmUpDeadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      for (int i = 0; i < EVENTS; i++) {
        write(schema, topic, committedAt);
        // events arrive at random moments, as user actions do
        TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(20, 120));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (latencies.size() < EVENTS && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } finally {
      reading.set(false);
      reader.join();
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return String.format(
        "%-22s received %d/%d  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms",
        label,
        sorted.size(),
        EVENTS,
        ms(sorted, 0.50),
        ms(sorted, 0.99),
        sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1) / 1e6);
  }

  /** One event in a transaction of its own; the time it was written is remembered by id. */
  private static String write(OutboxSchema schema, String topic, Map<String, Long> committedAt) {
    CloudEvent event =
        new CloudEvent(
            UUID.randomUUID().toString(),
            "/outbox-bench",
            "io.smbcopilot.test.item.v1",
            null,
            "tenant-bench",
            OffsetDateTime.now(ZoneOffset.UTC),
            JsonNodeFactory.instance.objectNode().put("n", 1),
            null);
    if (committedAt != null) {
      // from the start of the writing transaction (a millisecond or two before its commit)
      committedAt.put(event.id(), System.nanoTime());
    }
    schema
        .pool
        .withTransaction(tx -> Outbox.append(tx, topic, event))
        .await()
        .atMost(Duration.ofSeconds(10));
    return event.id();
  }

  private static double ms(List<Long> sorted, double quantile) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(quantile * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
