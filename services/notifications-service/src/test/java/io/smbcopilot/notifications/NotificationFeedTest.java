package io.smbcopilot.notifications;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The in-app feed from the identity events on the real Kafka and PostgreSQL: a new tenant's owner
 * is welcomed once, however often the event comes, and reads their feed page by page; nobody else
 * sees it.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class NotificationFeedTest {

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void aNewTenantsOwnerIsWelcomedOnceEvenWhenTheEventComesTwice() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    ProducerRecord<String, byte[]> created = tenantCreated(tenant, owner, "Acme Bakery");
    send(created, created);
    String token = token(tenant, owner);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> feed(token, "").getList("items").size() == 1);
    // the second delivery is recorded in the inbox, not applied again
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> feed(token, "").getList("items").size() == 1);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items[0].kind", equalTo("welcome"))
        .body("items[0].title", equalTo("Welcome to SMB Copilot, Olga Owner"))
        .body("items[0].body", containsString("Acme Bakery is ready"))
        .body("items[0].link", equalTo("/documents"))
        .body("items[0].createdAt", notNullValue())
        .body("items[0].readAt", nullValue())
        .body("nextCursor", nullValue());

    // Another member of the tenant, and the same user id in another tenant, see nothing.
    given()
        .header("Authorization", "Bearer " + token(tenant, "someone-else"))
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(0));
    given()
        .header("Authorization", "Bearer " + token(UUID.randomUUID(), owner))
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(0));
  }

  @Test
  void aWorkflowsNotifyStepReachesTheUserItNames() throws Exception {
    UUID tenant = UUID.randomUUID();
    String user = "user-" + UUID.randomUUID();
    String run = UUID.randomUUID().toString();
    send(
        KafkaCloudEvents.toRecord(
            Topics.NOTIFICATIONS,
            CloudEvent.of(
                EventType.NOTIFICATION_REQUESTED,
                "/workflow-worker",
                tenant.toString(),
                "run/" + run + "/3",
                new io.smbcopilot.events.notifications.NotificationRequested(
                    tenant.toString(),
                    user,
                    "workflow.message",
                    "Big order: 2500",
                    "checked: true",
                    "/runs/" + run))));
    String token = token(tenant, user);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> feed(token, "").getList("items").size() == 1);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications")
        .then()
        .body("items[0].kind", equalTo("workflow.message"))
        .body("items[0].title", equalTo("Big order: 2500"))
        .body("items[0].body", equalTo("checked: true"))
        .body("items[0].link", equalTo("/runs/" + run));
  }

  @Test
  void theFeedIsReadPageByPageNewestFirst() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    send(
        tenantCreated(tenant, owner, "First"),
        tenantCreated(tenant, owner, "Second"),
        tenantCreated(tenant, owner, "Third"));
    String token = token(tenant, owner);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> feed(token, "").getList("items").size() == 3);
    JsonPath first = feed(token, "?limit=2");
    JsonPath second = feed(token, "?limit=2&cursor=" + first.getString("nextCursor"));
    List<String> bodies =
        List.of(
            first.getString("items[0].body"),
            first.getString("items[1].body"),
            second.getString("items[0].body"));
    org.assertj.core.api.Assertions.assertThat(bodies)
        .as("newest first, each once")
        .map(b -> b.substring(0, b.indexOf(' ')))
        .containsExactly("Third", "Second", "First");
    org.assertj.core.api.Assertions.assertThat(second.getList("items")).hasSize(1);
    org.assertj.core.api.Assertions.assertThat(second.getString("nextCursor")).isNull();
  }

  @Test
  void aBadLimitOrCursorIsAProblemNamingIt() {
    String token = token(UUID.randomUUID(), "someone");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications?cursor=not-a-cursor!")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("cursor"));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications?limit=0")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("limit"));
  }

  private static JsonPath feed(String token, String query) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications" + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static String token(UUID tenant, String user) {
    return TestTokens.get().user(tenant, user, "member", List.of("notifications:read"));
  }

  private static ProducerRecord<String, byte[]> tenantCreated(
      UUID tenant, String owner, String name) {
    CloudEvent event =
        CloudEvent.of(
            EventType.TENANT_CREATED,
            "/auth-service",
            tenant.toString(),
            tenant.toString(),
            new TenantCreated(tenant.toString(), name, owner, "owner@example.test", "Olga Owner"));
    return KafkaCloudEvents.toRecord(Topics.IDENTITY, event);
  }

  @SafeVarargs
  private void send(ProducerRecord<String, byte[]>... records) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "notifications-test"))) {
      for (ProducerRecord<String, byte[]> record : records) {
        producer.send(record).get();
      }
    }
  }
}
