package io.smbcopilot.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.index.LuceneChunkIndex;
import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.ingestion.pipeline.IndexModel;
import io.smbcopilot.ingestion.pipeline.Location;
import io.smbcopilot.ingestion.pipeline.Pipeline;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Changing the embedding model: a service configured for the quantized model starts on an index
 * built by the full one (before the index recorded its model). It neither searches nor indexes, and
 * its readiness check says why and what fixes it; the rebuild empties the index and embeds every
 * document again with the new model, an indexed one from its saved chunks without reading its
 * original again. (The rebuild requeues every indexed document of the test database: the waits
 * allow for the other test classes' documents ahead of this one's.)
 */
@QuarkusTest
@TestProfile(ModelChangeTest.QuantizedOnAFullIndex.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class ModelChangeTest {
  static final UUID OLD_TENANT = UUID.randomUUID();
  static final UUID OLD_DOCUMENT = UUID.randomUUID();

  /** The quantized model on an index of the full one's vectors, which records no model. */
  public static class QuantizedOnAFullIndex implements QuarkusTestProfile {
    static final Path DIR = Path.of("target", "model-change-index");

    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        if (Files.exists(DIR)) {
          try (Stream<Path> files = Files.walk(DIR)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // Any vector will do: an index with chunks and no record was built by the full model. (Not
      // the model itself: its tokenizer's native library may load in one class loader only.)
      float[] vector = new float[Embedder.DIMENSIONS];
      vector[7] = 1;
      try (LuceneChunkIndex index = new LuceneChunkIndex(DIR, 100)) {
        String text = "Deliveries arrive every Tuesday before seven.";
        index.upsert(
            List.of(
                new ChunkIndex.Entry(
                    OLD_TENANT,
                    UUID.randomUUID(),
                    OLD_DOCUMENT,
                    0,
                    List.of(),
                    text,
                    new Location(null, null, List.of()),
                    vector)));
      }
      return Map.of(
          "copilot.ingestion.model",
          Embedder.QUANTIZED,
          "copilot.ingestion.index.path",
          DIR.toString());
    }
  }

  @Inject Pipeline pipeline;
  @Inject IndexModel indexModel;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject ChunkIndex index;
  @Inject Pool pool;

  static JsonPath ready(int status) {
    return given().get("/q/health/ready").then().statusCode(status).extract().jsonPath();
  }

  static String modelCheck(JsonPath health, String field) {
    return health.getString("checks.find { it.name == 'Index embedding model' }." + field);
  }

  @Test
  void anotherModelsIndexIsReportedUntilTheRebuildEmbedsEveryDocumentAgain() {
    UUID tenant = UUID.randomUUID();
    // A token lives a minute; the rebuild's waits may take longer: a new one for each call.
    java.util.function.Supplier<String> owner =
        () -> KnowledgeTest.token(tenant, "u-owner", "owner");

    // Reported: not ready, with both models and the fix; search refuses; nothing is indexed.
    JsonPath health = ready(503);
    assertThat(modelCheck(health, "status")).isEqualTo("DOWN");
    assertThat(modelCheck(health, "data.problem"))
        .contains("the index holds vectors of all-minilm-l6-v2")
        .contains("copilot.ingestion.model is all-minilm-l6-v2-q")
        .contains("COPILOT_INGESTION_INDEX_REBUILD=true");
    JsonPath refused =
        KnowledgeTest.search(
            owner.get(), KnowledgeTest.query("deliveries", "hybrid", 5, null), 503);
    assertThat(refused.getString("type")).endsWith("/service-unavailable");
    assertThat(refused.getString("detail")).contains("until the index is rebuilt");
    assertThat(index.model()).as("the index is left as it was").isEmpty();

    String kept =
        KnowledgeTest.upload(
            owner.get(),
            "opening-hours.txt",
            "Opening hours: the bakery opens at seven and closes at six."
                .getBytes(StandardCharsets.UTF_8),
            null,
            202);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> "queued".equals(status(kept)));

    // The rebuild: the old vectors go, the new model is recorded, the kept upload is indexed.
    pipeline.rebuildIndex();
    assertThat(index.model()).contains(Embedder.QUANTIZED);
    assertThat(index.count(OLD_TENANT, OLD_DOCUMENT)).isZero();
    awaitIndexed(kept);
    ready(200);
    List<String> found =
        KnowledgeTest.search(
                owner.get(),
                KnowledgeTest.query("when does the bakery open", "vector", 5, null),
                200)
            .getList("hits.documentId");
    assertThat(found).containsExactly(kept);

    // An indexed document is embedded again from its saved chunks: its original is not needed.
    long chunks = index.count(tenant, UUID.fromString(kept));
    assertThat(chunks).isPositive();
    sql("DELETE FROM document_blob WHERE document_id = $1", UUID.fromString(kept));
    int queued = pipeline.rebuildIndex();
    assertThat(queued).isGreaterThanOrEqualTo(1);
    awaitIndexed(kept);
    assertThat(index.count(tenant, UUID.fromString(kept))).isEqualTo(chunks);
    assertThat(
            KnowledgeTest.search(
                    owner.get(),
                    KnowledgeTest.query("when does the bakery open", "vector", 5, null),
                    200)
                .getList("hits.documentId"))
        .containsExactly(kept);

    // A lost index (empty while documents are indexed): left as it is without the setting, its
    // documents embedded again with it. Found as a service finds it at its start: with nothing
    // being embedded (the rebuilds above requeued every document of the test database, and a job
    // still writing would fill the emptied index again before it is looked at).
    await()
        .alias("nothing being embedded")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> unfinished() == 0);
    index.clear(Embedder.QUANTIZED);
    assertThat(indexModel.settle(false)).isTrue();
    assertThat(status(kept)).isEqualTo("indexed");
    assertThat(index.count(tenant, UUID.fromString(kept))).isZero();
    assertThat(indexModel.settle(true)).isTrue();
    awaitIndexed(kept);
    assertThat(index.count(tenant, UUID.fromString(kept))).isEqualTo(chunks);

    // Announced once, when it was first indexed: embedding it again changes nothing about it.
    assertThat(indexedEvents(kept)).isEqualTo(1);
  }

  /** How many document.indexed events about the document are on the documents topic. */
  int indexedEvents(String documentId) {
    java.util.concurrent.atomic.AtomicInteger found =
        new java.util.concurrent.atomic.AtomicInteger();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            KafkaSettings.consumer(bootstrap, "model-change-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.DOCUMENTS));
      // until the first is read, and nothing more comes for 3 s
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(40))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  CloudEvent event = KafkaCloudEvents.fromRecord(record);
                  if (EventType.DOCUMENT_INDEXED.typeName().equals(event.type())
                      && ("document/" + documentId).equals(event.subject())) {
                    found.incrementAndGet();
                  }
                }
                return found.get() > 0;
              });
    }
    return found.get();
  }

  String status(String id) {
    return pool.withConnection(
            c ->
                c.preparedQuery("SELECT status FROM document WHERE id = $1")
                    .execute(Tuple.of(UUID.fromString(id))))
        .await()
        .atMost(Duration.ofSeconds(10))
        .iterator()
        .next()
        .getString("status");
  }

  /** Documents of any tenant not yet indexed nor failed. */
  long unfinished() {
    return pool.withConnection(
            c ->
                c.query(
                        "SELECT count(*) FROM document"
                            + " WHERE status IN ('queued', 'parsing', 'embedding')")
                    .execute())
        .await()
        .atMost(Duration.ofSeconds(10))
        .iterator()
        .next()
        .getLong(0);
  }

  /** Until the document is indexed; fails at once if it failed. */
  void awaitIndexed(String id) {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String s = status(id);
              assertThat(s).isNotEqualTo("failed");
              return "indexed".equals(s);
            });
  }

  void sql(String statement, Object... params) {
    pool.withConnection(c -> c.preparedQuery(statement).execute(Tuple.from(params)))
        .await()
        .atMost(Duration.ofSeconds(10));
  }
}
