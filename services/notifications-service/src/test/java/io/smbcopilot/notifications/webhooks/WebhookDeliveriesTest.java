package io.smbcopilot.notifications.webhooks;

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
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.notifications.mail.Events;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deliveries to a receiver on loopback, on the real PostgreSQL and Kafka: signed as the Standard
 * Webhooks specification says (checked by the test's own verifier), retried with the same id on
 * failures and after a receiver's Retry-After, not redirected, logged with the answer's first 4 KB,
 * a 410 disables the endpoint; the platform's events reach the endpoints that take their type.
 */
@QuarkusTest
@TestProfile(WebhookDeliveriesTest.Profile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class WebhookDeliveriesTest {
  /** Receivers on loopback over http, and a short schedule: four attempts a second apart. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "copilot.secrets.encryption-key", UUID.randomUUID().toString(),
          "copilot.webhooks.allowed-hosts", "127.0.0.1",
          "copilot.webhooks.allow-http", "true",
          "copilot.webhooks.retry-schedule", "1s,1s,1s",
          "copilot.webhooks.timeout", "3s",
          "copilot.webhooks.per-endpoint", "2");
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private final WebhookReceiver receiver = start();

  private static WebhookReceiver start() {
    try {
      return new WebhookReceiver();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private static String admin(UUID tenant) {
    return TestTokens.get()
        .user(tenant, "admin-" + tenant, "admin", List.of("webhooks:manage", "notifications:read"));
  }

  @jakarta.inject.Inject io.vertx.mutiny.sqlclient.Pool pool;

  private static boolean enabled(String token, String endpoint) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks/" + endpoint)
        .then()
        .extract()
        .jsonPath()
        .getBoolean("enabled");
  }

  private static List<String> feed(String token) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.body");
  }

  private static JsonPath endpoint(String token, String url, String types) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"url\":\"" + url + "\",\"eventTypes\":" + types + "}")
        .post("/api/v1/webhooks")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  private static String test(String token, String endpoint) {
    return given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/webhooks/" + endpoint + "/test")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  /** Delivered messages of the endpoint, over every page of its log. */
  private static int delivered(String token, String endpoint) {
    int delivered = 0;
    String cursor = "";
    do {
      JsonPath page =
          given()
              .header("Authorization", "Bearer " + token)
              .get("/api/v1/webhooks/" + endpoint + "/deliveries?limit=100" + cursor)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      delivered += (int) page.getList("items.status").stream().filter("delivered"::equals).count();
      String next = page.getString("nextCursor");
      cursor = next == null ? null : "&cursor=" + next;
    } while (cursor != null);
    return delivered;
  }

  private static JsonPath log(String token, String endpoint) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks/" + endpoint + "/deliveries?limit=100")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void aTestEventArrivesSignedAndIsLogged() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    JsonPath created = endpoint(token, receiver.url("/hooks?source=copilot"), "[]");
    String secret = created.getString("secret");
    String id = created.getString("endpoint.id");
    receiver.then(new WebhookReceiver.Answer(200, Map.of(), "x".repeat(5000)));
    String message = test(token, id);

    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);
    WebhookReceiver.Received got = receiver.received().get(0);
    assertThat(got.path()).isEqualTo("/hooks");
    assertThat(got.header("webhook-id")).isEqualTo(message);
    long timestamp = Long.parseLong(got.header("webhook-timestamp"));
    assertThat(Math.abs(timestamp - System.currentTimeMillis() / 1000)).isLessThan(30);
    assertThat(got.header("content-type")).startsWith("application/json");
    assertThat(
            WebhookSignerTest.verifies(
                secret,
                got.header("webhook-id"),
                got.header("webhook-timestamp"),
                got.body(),
                got.header("webhook-signature")))
        .isTrue();
    JsonPath body = new JsonPath(got.body());
    assertThat(body.getString("type")).isEqualTo("io.smbcopilot.webhook.test.v1");
    assertThat(body.getString("timestamp")).isNotBlank();
    assertThat(body.getString("data.endpointId")).isEqualTo(id);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "delivered".equals(log(token, id).getString("items[0].status")));
    JsonPath log = log(token, id);
    assertThat(log.getString("items[0].id")).isEqualTo(message);
    assertThat(log.getInt("items[0].attempts")).isEqualTo(1);
    assertThat(log.getInt("items[0].log[0].statusCode")).isEqualTo(200);
    assertThat(log.getString("items[0].log[0].response")).hasSize(WebhookSender.KEPT);
    // another tenant sees no log of it
    given()
        .header("Authorization", "Bearer " + admin(UUID.randomUUID()))
        .get("/api/v1/webhooks/" + id + "/deliveries")
        .then()
        .statusCode(404);
  }

  @Test
  void failuresAreRetriedWithTheSameIdRetryAfterIsHonouredRedirectsAreNotFollowed() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    String id = endpoint(token, receiver.url("/hooks"), "[]").getString("endpoint.id");
    receiver.then(
        WebhookReceiver.Answer.of(500),
        new WebhookReceiver.Answer(302, Map.of("Location", receiver.url("/elsewhere")), ""),
        new WebhookReceiver.Answer(503, Map.of("Retry-After", "3"), "busy"),
        WebhookReceiver.Answer.of(204));
    String message = test(token, id);

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 4);
    List<WebhookReceiver.Received> got = receiver.received();
    assertThat(got).extracting(WebhookReceiver.Received::path).containsOnly("/hooks");
    assertThat(got).allSatisfy(r -> assertThat(r.header("webhook-id")).isEqualTo(message));
    // the receiver asked for 3 s; the schedule alone would have waited about 1
    assertThat(got.get(3).atMillis() - got.get(2).atMillis()).isGreaterThanOrEqualTo(2900);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "delivered".equals(log(token, id).getString("items[0].status")));
    assertThat(log(token, id).getList("items[0].log.statusCode", Integer.class))
        .containsExactly(500, 302, 503, 204);

    // redelivered on request: the same id again
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/webhooks/" + id + "/deliveries/" + message + "/redeliver")
        .then()
        .statusCode(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 5);
    assertThat(receiver.received().get(4).header("webhook-id")).isEqualTo(message);

    // replayed since a time: every delivery made since then, with its own id
    String second = test(token, id);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 6);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"since\":\"" + java.time.OffsetDateTime.now().minusMinutes(10) + "\"}")
        .post("/api/v1/webhooks/" + id + "/replay")
        .then()
        .statusCode(202)
        .body("queued", org.hamcrest.Matchers.equalTo(2));
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 8);
    assertThat(receiver.received().subList(6, 8))
        .extracting(r -> r.header("webhook-id"))
        .containsExactlyInAnyOrder(message, second);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"since\":\"2020-01-01T00:00:00Z\"}")
        .post("/api/v1/webhooks/" + id + "/replay")
        .then()
        .statusCode(400);
  }

  @Test
  void goneOrFailingForDaysDisablesTheEndpointAndTellsTheAdminsAFewFailuresDoNot()
      throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    // who the tenant's admins are, as the identity events tell notifications-service
    String t = tenant.toString();
    String owner = "owner-" + tenant;
    String member = "member-" + tenant;
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(t, "Hooks Co", owner, owner + "@acme.test", "Hal Owner"));
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, "admin-" + tenant, "admin@acme.test", "admin", "joined", owner),
        new MemberChanged(t, member, member + "@acme.test", "member", "joined", owner));
    String memberToken =
        TestTokens.get().user(tenant, member, "member", List.of("notifications:read"));
    // (the admin hears of the member's joining, the last of the three)
    await().atMost(Duration.ofSeconds(60)).until(() -> feed(token).size() == 1);
    String gone = endpoint(token, receiver.url("/gone"), "[]").getString("endpoint.id");
    receiver.then(WebhookReceiver.Answer.of(410));
    test(token, gone);
    await().atMost(Duration.ofSeconds(20)).until(() -> !enabled(token, gone));
    assertThat(log(token, gone).getString("items[0].status")).isEqualTo("failed");
    assertThat(
            given()
                .header("Authorization", "Bearer " + token)
                .get("/api/v1/webhooks/" + gone)
                .then()
                .extract()
                .jsonPath()
                .getString("disabledReason"))
        .contains("410");
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/webhooks/" + gone + "/test")
        .then()
        .statusCode(409);
    // every admin is told, the member is not
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> feed(token).stream().anyMatch(b -> b.contains("/gone") && b.contains("410")));
    assertThat(feed(TestTokens.get().user(tenant, owner, "owner", List.of("notifications:read"))))
        .anySatisfy(b -> assertThat(b).contains("/gone").contains("410"));
    assertThat(feed(memberToken)).noneSatisfy(b -> assertThat(b).contains("/gone"));

    // four failures in a few seconds fail the message, not the endpoint
    String failing = endpoint(token, receiver.url("/failing"), "[]").getString("endpoint.id");
    receiver.then(
        WebhookReceiver.Answer.of(500),
        WebhookReceiver.Answer.of(500),
        WebhookReceiver.Answer.of(500),
        WebhookReceiver.Answer.of(500));
    test(token, failing);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "failed".equals(log(token, failing).getString("items[0].status")));
    assertThat(log(token, failing).getInt("items[0].attempts")).isEqualTo(4);
    assertThat(receiver.received()).filteredOn(r -> r.path().equals("/failing")).hasSize(4);
    assertThat(enabled(token, failing)).isTrue();

    // failing for six days: the next failure disables it
    pool.preparedQuery(
            "UPDATE webhook_endpoint SET failing_since = now() - interval '6 days' WHERE id = $1")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(failing)))
        .await()
        .indefinitely();
    receiver.then(WebhookReceiver.Answer.of(500));
    test(token, failing);
    await().atMost(Duration.ofSeconds(20)).until(() -> !enabled(token, failing));
    assertThat(feed(token))
        .anySatisfy(b -> assertThat(b).contains("/failing").contains("failed since"));
  }

  @Test
  void thePlatformsEventsReachTheEndpointsThatTakeTheirType() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    String takes =
        endpoint(token, receiver.url("/documents"), "[\"io.smbcopilot.document.indexed.v1\"]")
            .getString("endpoint.id");
    endpoint(token, receiver.url("/members"), "[\"io.smbcopilot.identity.member-changed.v1\"]");
    String document = UUID.randomUUID().toString();
    CloudEvent event =
        CloudEvent.of(
            EventType.DOCUMENT_INDEXED,
            "/ingestion-service",
            tenant.toString(),
            "document/" + document,
            new DocumentIndexed(
                tenant.toString(), document, UUID.randomUUID().toString(), 7, "user-1", "Prices"));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "webhooks-test"))) {
      // twice: the inbox makes one message of it
      producer.send(KafkaCloudEvents.toRecord(Topics.DOCUMENTS, event)).get();
      producer.send(KafkaCloudEvents.toRecord(Topics.DOCUMENTS, event)).get();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> receiver.received().size() == 1);
    WebhookReceiver.Received got = receiver.received().get(0);
    assertThat(got.path()).isEqualTo("/documents");
    JsonPath body = new JsonPath(got.body());
    assertThat(body.getString("type")).isEqualTo("io.smbcopilot.document.indexed.v1");
    assertThat(body.getString("data.documentId")).isEqualTo(document);
    assertThat(body.getInt("data.chunks")).isEqualTo(7);
    assertThat(log(token, takes).getString("items[0].eventId")).isEqualTo(event.id());
  }

  @Test
  void aSlowEndpointGetsAtMostItsShareAtOnceAndEveryMessageStillArrives() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    String id = endpoint(token, receiver.url("/slow"), "[]").getString("endpoint.id");
    receiver.slow(Duration.ofMillis(100));
    // 40 messages, 16 workers, two at a time for this endpoint, 100 ms each
    for (int i = 0; i < 40; i++) {
      test(token, id);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 40);
    await().atMost(Duration.ofSeconds(10)).until(() -> delivered(token, id) == 40);
    assertThat(receiver.mostAtOnce()).isEqualTo(2);
    assertThat(receiver.overlaps()).isZero();
  }
}
