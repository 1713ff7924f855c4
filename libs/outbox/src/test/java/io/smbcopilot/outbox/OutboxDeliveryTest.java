package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStack;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox and inbox against the real PostgreSQL and Kafka broker of the devstack: nothing lost
 * while the broker is down, nothing doubled on redelivery, poison messages dead-lettered without
 * blocking, and two relays publishing each event once.
 */
class OutboxDeliveryTest {
  private static final int EVENTS = 1000;
  private static DevStack stack;
  private static String bootstrap;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void startStack() throws Exception {
    stack = DevStack.forTests(List.of("postgres", "kafka"));
    bootstrap = stack.kafkaBootstrapServers();
    Map<String, String> db = stack.provision("outbox-test");
    URI url = URI.create(db.get("reactive-url"));
    vertx = Vertx.vertx();
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(8))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(url.getHost())
                    .setPort(url.getPort())
                    .setDatabase(url.getPath().substring(1))
                    .setUser(db.get("username"))
                    .setPassword(db.get("password")))
            .using(vertx)
            .build();
    String schema;
    try (InputStream in =
        OutboxDeliveryTest.class.getResourceAsStream("/db/outbox/V0_1__outbox_and_inbox.sql")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    sql("DROP TABLE IF EXISTS outbox_event, inbox_event, widget, effect, effect_total CASCADE");
    for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";")) {
      if (!statement.isBlank()) {
        sql(statement);
      }
    }
    sql("CREATE TABLE widget (id text PRIMARY KEY, name text NOT NULL)");
    sql("CREATE TABLE effect (event_id text PRIMARY KEY, consumer text NOT NULL)");
    sql("CREATE TABLE effect_total (consumer text PRIMARY KEY, n int NOT NULL)");
  }

  @AfterAll
  static void close() {
    if (pool != null) {
      pool.close().await().indefinitely();
    }
    if (vertx != null) {
      vertx.close().await().indefinitely();
    }
  }

  @Test
  void eventsWrittenWhileTheBrokerIsDownAreAllDeliveredOnceItStartsAndRedeliveryChangesNothing()
      throws Exception {
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

      // (2) the inbox applies each event once; every one delivered a second time changes nothing.
      String consumer = "inbox-" + UUID.randomUUID();
      sql("INSERT INTO effect_total VALUES ('" + consumer + "', 0)");
      try (InboxConsumer inbox =
          new InboxConsumer(
              pool,
              List.of(topic),
              bootstrap,
              effectHandler(consumer, new AtomicBoolean()),
              new InboxConsumer.Settings(consumer, 3, Duration.ofMillis(50)),
              null)) {
        inbox.start();
        await().atMost(Duration.ofMinutes(2)).until(() -> inbox.processedCount() == EVENTS);
        assertThat(total(consumer)).isEqualTo(EVENTS);

        redeliver(delivered);
        await().atMost(Duration.ofMinutes(2)).until(() -> inbox.duplicateCount() == EVENTS);
        assertThat(inbox.processedCount()).isEqualTo(EVENTS);
        assertThat(total(consumer)).isEqualTo(EVENTS);
        assertThat(count("effect WHERE consumer = '" + consumer + "'")).isEqualTo(EVENTS);
      }
    } finally {
      stack.start("kafka");
    }
  }

  @Test
  void aPoisonMessageGoesToTheDeadLetterTopicWithoutBlockingTheOnesBehindItAndCanBeReplayed()
      throws Exception {
    String topic = "test.poison." + UUID.randomUUID();
    createTopic(topic);
    createTopic(Topics.deadLetter(topic));
    String tenant = "tenant-" + UUID.randomUUID();
    List<CloudEvent> events = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "poison-test"))) {
      for (int i = 0; i < 20; i++) {
        if (i == 9) {
          // not a CloudEvent at all: no headers, not JSON
          producer
              .send(new ProducerRecord<>(topic, tenant, "garbage".getBytes(StandardCharsets.UTF_8)))
              .get();
          continue;
        }
        CloudEvent event = event(tenant, i, i == 4);
        events.add(event);
        producer.send(KafkaCloudEvents.toRecord(topic, event)).get();
      }
    }
    String consumer = "inbox-" + UUID.randomUUID();
    sql("INSERT INTO effect_total VALUES ('" + consumer + "', 0)");
    AtomicBoolean poisonFails = new AtomicBoolean(true);
    try (InboxConsumer inbox =
        new InboxConsumer(
            pool,
            List.of(topic),
            bootstrap,
            effectHandler(consumer, poisonFails),
            new InboxConsumer.Settings(consumer, 3, Duration.ofMillis(50)),
            null)) {
      inbox.start();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> inbox.deadLetteredCount() == 2 && inbox.processedCount() == 18);
      // every event behind the poison one (same tenant, so same partition) was applied
      for (CloudEvent e : events) {
        boolean applied = count("effect WHERE event_id = '" + e.id() + "'") == 1;
        assertThat(applied).as("event %s", e.subject()).isEqualTo(!e.subject().equals("item-4"));
      }
      List<ConsumerRecord<String, byte[]>> dead =
          consume(Topics.deadLetter(topic), 2, Duration.ofMinutes(1));
      assertThat(dead).hasSize(2);
      ConsumerRecord<String, byte[]> poison =
          dead.stream()
              .filter(r -> r.headers().lastHeader("ce_id") != null)
              .findFirst()
              .orElseThrow();
      assertThat(header(poison, InboxConsumer.DLQ_ATTEMPTS)).isEqualTo("3");
      assertThat(header(poison, InboxConsumer.DLQ_ERROR)).contains("poison");
      assertThat(header(poison, InboxConsumer.DLQ_ORIGINAL_TOPIC)).isEqualTo(topic);

      // Once the cause is fixed, the replay applies the event; the garbage goes back to the DLQ.
      poisonFails.set(false);
      int replayed =
          DeadLetterReplayer.replay(bootstrap, Topics.deadLetter(topic), Duration.ofSeconds(60));
      assertThat(replayed).isEqualTo(2);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> inbox.processedCount() == 19 && inbox.deadLetteredCount() == 3);
      assertThat(count("effect WHERE event_id = '" + events.get(4).id() + "'")).isEqualTo(1);
      assertThat(total(consumer)).isEqualTo(19);
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

  // --- helpers ---------------------------------------------------------------------------------

  private static InboxConsumer.Handler effectHandler(String consumer, AtomicBoolean poisonFails) {
    return (tx, event) -> {
      if (event.data().path("poison").asBoolean(false) && poisonFails.get()) {
        return Uni.createFrom().failure(new IllegalStateException("poison event " + event.id()));
      }
      return tx.preparedQuery("INSERT INTO effect (event_id, consumer) VALUES ($1, $2)")
          .execute(Tuple.of(event.id(), consumer))
          .flatMap(
              r ->
                  tx.preparedQuery("UPDATE effect_total SET n = n + 1 WHERE consumer = $1")
                      .execute(Tuple.of(consumer)))
          .replaceWithVoid();
    };
  }

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

  private static void redeliver(List<ConsumerRecord<String, byte[]>> records) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "redeliver"))) {
      for (ConsumerRecord<String, byte[]> r : records) {
        producer.send(
            new ProducerRecord<>(
                r.topic(), null, r.key(), r.value(), new RecordHeaders(r.headers().toArray())));
      }
      producer.flush();
    }
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

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
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

  private static long total(String consumer) {
    return pool.preparedQuery("SELECT n FROM effect_total WHERE consumer = $1")
        .execute(Tuple.of(consumer))
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getInteger("n");
  }
}
