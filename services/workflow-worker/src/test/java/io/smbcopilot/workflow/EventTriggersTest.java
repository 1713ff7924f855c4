package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Event triggers on the real Kafka and database: a document.indexed event starts the tenant's
 * workflows whose collection, tag and media type match, once per event (sent twice, it starts one
 * run), as the workflow's owner, with the event's data as trigger; other tenants' events and events
 * that do not match start nothing.
 */
@QuarkusTest
@TestProfile(MeteringTest.OutboxKept.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class EventTriggersTest {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private String workflow(String token, String filters) {
    return RunsTest.create(
        token,
        """
        {"trigger": {"type": "event", "event": "io.smbcopilot.document.indexed.v1" %s},
         "steps": [{"id": "tell", "type": "notify",
                    "inputs": {"channel": "in-app", "title": {"expr": "'New: ' + trigger.title"}}}]}"""
            .formatted(filters));
  }

  private static CloudEvent indexed(
      UUID tenant, String collection, String mediaType, List<String> tags, String title) {
    return CloudEvent.of(
        EventType.DOCUMENT_INDEXED,
        "/ingestion-service",
        tenant.toString(),
        "document/x",
        new DocumentIndexed(
            tenant.toString(),
            UUID.randomUUID().toString(),
            collection,
            3,
            "uploader-1",
            title,
            mediaType,
            tags));
  }

  private void send(CloudEvent... events) throws Exception {
    publish(bootstrap, events);
  }

  /** Publishes the events to their types' topics on the real Kafka, as the other services do. */
  static void publish(String bootstrap, CloudEvent... events) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "workflow-worker-test"))) {
      for (CloudEvent e : events) {
        String topic = EventType.byName(e.type()).orElseThrow().topic();
        producer.send(KafkaCloudEvents.toRecord(topic, e)).get();
      }
    }
  }

  private static JsonPath runs(String token, String workflow) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void matchingDocumentsStartTheirWorkflowsOncePerEvent() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    String contracts = UUID.randomUUID().toString();
    String inbox = UUID.randomUUID().toString();
    String taggedContracts =
        workflow(token, ", \"collection\": \"" + contracts + "\", \"tag\": \"contract\"");
    String emails = workflow(token, ", \"mediaType\": \"message/rfc822\"");
    String everything = workflow(token, "");

    CloudEvent contract =
        indexed(tenant, contracts, "application/pdf", List.of("Contract"), "Lease");
    send(
        contract,
        contract, // delivered twice: one run
        indexed(tenant, inbox, "application/pdf", List.of("contract"), "wrong collection"),
        indexed(tenant, contracts, "application/pdf", List.of(), "no tag"),
        indexed(tenant, inbox, "message/rfc822", null, "Order question"),
        // another tenant's document in the same collection id starts none of these
        indexed(UUID.randomUUID(), contracts, "message/rfc822", List.of("contract"), "other"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runs(token, everything).getList("items").size() == 4);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs(token, taggedContracts).getList("items").size() == 1
                    && runs(token, emails).getList("items").size() == 1);
    JsonPath lease = runs(token, taggedContracts);
    assertThat(lease.getString("items[0].trigger.title")).isEqualTo("Lease");
    assertThat(lease.getString("items[0].triggerType")).isEqualTo("event");
    assertThat(lease.getString("items[0].startedBy")).isEqualTo("owner-" + tenant);
    assertThat(lease.getString("items[0].trigger.event.id")).isEqualTo(contract.id());
    assertThat(runs(token, emails).getString("items[0].trigger.title")).isEqualTo("Order question");
    JsonPath done = RunsTest.awaitFinished(token, runs(token, emails).getString("items[0].id"));
    assertThat(done.getString("steps[0].input.title")).isEqualTo("New: Order question");
  }
}
