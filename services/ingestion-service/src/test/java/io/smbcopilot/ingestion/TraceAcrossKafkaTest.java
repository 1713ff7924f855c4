package io.smbcopilot.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * One trace from the request that uploads a document (its {@code traceparent} as the gateway sends
 * it) through the outbox, the relay, Kafka and the inbox consumer to the consumer's database write
 * (the document's job in the pipeline's queue, table {@code job}).
 */
@QuarkusTest
@TestProfile(TracedProfile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class TraceAcrossKafkaTest {
  private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");
  private static final AttributeKey<String> DB_QUERY = AttributeKey.stringKey("db.query.text");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant.id");

  @Inject InMemorySpanExporter spans;

  @Test
  void oneTraceRunsFromTheUploadThroughKafkaToTheConsumersDatabaseWrite() {
    String traceId = hex(16);
    UUID tenant = UUID.randomUUID();
    String auth =
        DocumentResourceTest.token(tenant, "tracer", "member", DocumentResourceTest.WRITER);
    // the traceparent of the gateway request that the service continues
    io.restassured.RestAssured.given()
        .header("Authorization", auth)
        .header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
        .multiPart(
            "file", "traced-2.txt", "Another traced document.".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/documents")
        .then()
        .statusCode(202);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<SpanData> trace =
                  spans.getFinishedSpanItems().stream()
                      .filter(s -> s.getTraceId().equals(traceId))
                      .toList();
              assertThat(trace)
                  .as("the upload's server span, with the tenant")
                  .anyMatch(
                      s ->
                          s.getName().contains("/api/v1/documents")
                              && tenant.toString().equals(s.getAttributes().get(TENANT)));
              assertThat(trace)
                  .as("the consumer's receive from Kafka")
                  .anyMatch(s -> s.getName().contains("copilot.documents.v1"));
              assertThat(trace)
                  .as("the inbox's processing, with the tenant")
                  .anyMatch(
                      s ->
                          s.getName().equals("Inbox.process")
                              && tenant.toString().equals(s.getAttributes().get(TENANT)));
              assertThat(trace)
                  .as("the consumer's insert of the document's job")
                  .anyMatch(s -> statement(s).startsWith("INSERT INTO job"));
            });
    spans.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId))
        .forEach(s -> System.out.printf("trace %s: %s [%s]%n", traceId, s.getName(), statement(s)));
  }

  private static String statement(SpanData span) {
    String statement = span.getAttributes().get(DB_QUERY);
    if (statement == null) {
      statement = span.getAttributes().get(DB_STATEMENT);
    }
    return statement == null ? span.getName() : statement;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
