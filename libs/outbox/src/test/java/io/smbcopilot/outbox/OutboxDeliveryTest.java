package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStack;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.KafkaCloudEvents;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay against the real PostgreSQL and Kafka broker of the devstack: nothing lost while
 * the broker is down, two relays publishing each event once, and a relay woken by the commit of new
 * rows. The consuming side, the inbox, is {@link InboxTest}.
 */
class OutboxDeliveryTest {
  private static final int EVENTS = 1000;
  private static DevStack stack;
  private static String bootstrap;
  private static OutboxSchema schema;
  private static Pool pool;

  @BeforeAll
  static void startStack() throws Exception {
    stack = DevStack.forTests(List.of("postgres", "kafka"));
    bootstrap = stack.kafkaBootstrapServers();
    schema = new OutboxSchema(stack, "outbox-test", "widget");
    pool = schema.pool;
    sql("CREATE TABLE widget (id text PRIMARY KEY, name text NOT NULL)");
  }

  @AfterAll
  static void close() {
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void eventsWrittenWhileTheBrokerIsDownAreAllDeliveredOnceItStarts() throws Exception {
    String topic = "test.delivery." + UUID.randomUUID();
    createTopic(topic);
    stack.stop("kafka");
    Set<String> written;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (OutboxRelay relay =
        new OutboxRelay(
            pool,
            KafkaSettings.producer(bootstrap, "relay-down"),
            new OutboxRelay.Settings("down", 100, Duration.ofMillis(100), Duration.ofSeconds(2)),
            meters)) {
      written = writeEvents(topic, EVENTS);
      relay.start();
      // The broker is away: the relay fails, keeps every event, and says so in its metrics.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> meters.get("copilot.outbox.failures").counter().count() >= 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> meters.get("copilot.outbox.pending").gauge().value() == EVENTS);
      assertThat(meters.get("copilot.outbox.lag.seconds").gauge().value()).isGreaterThan(0);
      assertThat(count("outbox_event")).isEqualTo(EVENTS);

      stack.start("kafka");
      List<ConsumerRecord<String, byte[]>> delivered =
          consume(topic, EVENTS, Duration.ofMinutes(3));
      Set<String> ids = new HashSet<>();
      for (ConsumerRecord<String, byte[]> record : delivered) {
        ids.add(KafkaCloudEvents.fromRecord(record).id());
      }
      assertThat(delivered).as("each event published once").hasSize(EVENTS);
      assertThat(ids).isEqualTo(written);
      await().atMost(Duration.ofSeconds(30)).until(() -> count("outbox_event") == 0);

      // InboxTest shows the inbox applying each of them once, and redelivery changing nothing.
    } finally {
      stack.start("kafka");
    }
  }

  @Test
  void twoRelaysRunningAtOncePublishEachEventOnce() throws Exception {
    String topic = "test.relays." + UUID.randomUUID();
    createTopic(topic);
    Set<String> written = writeEvents(topic, EVENTS);
    SimpleMeterRegistry metersA = new SimpleMeterRegistry();
    SimpleMeterRegistry metersB = new SimpleMeterRegistry();
    OutboxRelay.Settings a =
        new OutboxRelay.Settings("a", 25, Duration.ofMillis(50), Duration.ofSeconds(1));
    OutboxRelay.Settings b =
        new OutboxRelay.Settings("b", 25, Duration.ofMillis(50), Duration.ofSeconds(1));
    try (OutboxRelay relayA =
            new OutboxRelay(pool, KafkaSettings.producer(bootstrap, "relay-a"), a, metersA);
        OutboxRelay relayB =
            new OutboxRelay(pool, KafkaSettings.producer(bootstrap, "relay-b"), b, metersB)) {
      relayA.start();
      relayB.start();
      List<ConsumerRecord<String, byte[]>> delivered =
          consume(topic, EVENTS, Duration.ofMinutes(2));
      Set<String> ids = new HashSet<>();
      delivered.forEach(r -> ids.add(KafkaCloudEvents.fromRecord(r).id()));
      assertThat(delivered).hasSize(EVENTS);
      assertThat(ids).isEqualTo(written);
      double byA = metersA.get("copilot.outbox.published").counter().count();
      double byB = metersB.get("copilot.outbox.published").counter().count();
      System.out.printf("two relays: a published %.0f, b published %.0f%n", byA, byB);
      assertThat(byA + byB).isEqualTo(EVENTS);
      assertThat(byA).as("relay a took part").isPositive();
      assertThat(byB).as("relay b took part").isPositive();
    }
  }

  @Test
  void aRelayPublishesAnEventAsSoonAsItIsCommittedNotAtItsNextPoll() throws Exception {
    String topic = "test.wake." + UUID.randomUUID();
    createTopic(topic);
    // A poll interval far longer than the wait below: only the insert's notification can wake it.
    OutboxRelay.Settings settings =
        new OutboxRelay.Settings("wake", 100, Duration.ofMinutes(10), Duration.ofSeconds(1), true);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (OutboxRelay relay =
            new OutboxRelay(
                pool, KafkaSettings.producer(bootstrap, "relay-wake"), settings, meters);
        KafkaConsumer<String, byte[]> reader =
            new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "reader-" + UUID.randomUUID()))) {
      reader.subscribe(List.of(topic));
      relay.start();
      // the relay has made its first (empty) pass and now waits
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> meters.get("copilot.outbox.pending").gauge().value() == 0);
      for (int round = 0; round < 3; round++) {
        Set<String> written = writeEvents(topic, 10);
        Set<String> seen = new HashSet<>();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  reader
                      .poll(Duration.ofMillis(200))
                      .forEach(r -> seen.add(KafkaCloudEvents.fromRecord(r).id()));
                  return seen.containsAll(written);
                });
      }
      assertThat(meters.get("copilot.outbox.published").counter().count()).isEqualTo(30);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static CloudEvent event(String tenant, int i, boolean poison) {
    var data = JsonNodeFactory.instance.objectNode().put("n", i).put("poison", poison);
    return new CloudEvent(
        UUID.randomUUID().toString(),
        "/outbox-test",
        "io.smbcopilot.test.item.v1",
        "item-" + i,
        tenant,
        OffsetDateTime.now(ZoneOffset.UTC),
        data,
        null);
  }

  /** Writes each event with a state change, ten per transaction, as a service would. */
  private static Set<String> writeEvents(String topic, int n) {
    Set<String> ids = new HashSet<>();
    for (int batch = 0; batch < n / 10; batch++) {
      List<CloudEvent> events = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        events.add(event("tenant-" + (i % 4), batch * 10 + i, false));
      }
      pool.withTransaction(
              tx -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (CloudEvent e : events) {
                  chain =
                      chain
                          .flatMap(
                              v ->
                                  tx.preparedQuery("INSERT INTO widget VALUES ($1, $2)")
                                      .execute(Tuple.of(e.id(), e.subject())))
                          .flatMap(v -> Outbox.append(tx, topic, e));
                }
                return chain;
              })
          .await()
          .atMost(Duration.ofSeconds(30));
      events.forEach(e -> ids.add(e.id()));
    }
    return ids;
  }

  private static List<ConsumerRecord<String, byte[]>> consume(
      String topic, int expected, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "reader-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      // read until the expected count, then a little longer to catch any duplicate
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        consumer.poll(Duration.ofMillis(250)).forEach(records::add);
        if (records.size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        }
      }
    }
    return records;
  }

  private static void createTopic(String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void sql(String statement) {
    pool.query(statement).execute().await().atMost(Duration.ofSeconds(30));
  }

  private static long count(String tableAndWhere) {
    return pool.query("SELECT count(*) AS n FROM " + tableAndWhere)
        .execute()
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getLong("n");
  }
}
