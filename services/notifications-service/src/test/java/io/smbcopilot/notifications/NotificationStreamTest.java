package io.smbcopilot.notifications;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.EventStream;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The live feed on the real PostgreSQL: a notification made anywhere (here written straight to the
 * table, as another replica would) reaches its user's open stream at once, with its place as the
 * event id; a stream resumed with Last-Event-ID gets what was made meanwhile, in order, and nothing
 * it had; nobody else's; unread counts and marking read.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(NotificationStreamTest.Profile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class NotificationStreamTest {
  /** No reading on a timer: what arrives came by PostgreSQL's announcement. */
  public static class Profile implements io.quarkus.test.junit.QuarkusTestProfile {
    @Override
    public java.util.Map<String, String> getConfigOverrides() {
      return java.util.Map.of("copilot.feed.poll-interval", "10m");
    }
  }

  @TestHTTPResource("/api/v1/notifications/stream")
  URL stream;

  @Inject Pool pool;

  private EventStream open(String token, String lastEventId) throws Exception {
    EventStream s = EventStream.open(stream.toURI(), token, lastEventId);
    assertThat(s.response().statusCode()).isEqualTo(200);
    return s;
  }

  private void notify(UUID tenant, String user, String title) {
    pool.preparedQuery(
            "INSERT INTO notification (id, tenant_id, user_id, kind, title, body, created_at)"
                + " VALUES ($1, $2, $3, 'test', $4, 'body', now())")
        .execute(Tuple.of(UUID.randomUUID(), tenant, user, title))
        .await()
        .indefinitely();
  }

  private static String token(UUID tenant, String user) {
    return TestTokens.get().user(tenant, user, "member", List.of("notifications:read"));
  }

  @Test
  void aNewNotificationReachesTheOpenStreamAndAResumedStreamGetsWhatItMissed() throws Exception {
    UUID tenant = UUID.randomUUID();
    String user = "user-" + UUID.randomUUID();
    String token = token(tenant, user);
    notify(tenant, user, "made before the stream");

    String firstId;
    try (EventStream s = open(token, null)) {
      assertThat(s.response().headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(s.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");
      // the stream says where it starts: after everything made so far, nothing of the past
      EventStream.Event ready = s.next(Duration.ofSeconds(10));
      assertThat(ready.name()).isEqualTo("ready");
      assertThat(Long.parseLong(ready.id())).isPositive();
      notify(tenant, "someone-else", "not mine");
      notify(UUID.randomUUID(), user, "same user id, another tenant");
      notify(tenant, user, "first live");
      EventStream.Event first = s.next(Duration.ofSeconds(10));
      assertThat(first.name()).isEqualTo("notification");
      assertThat(new JsonPath(first.data()).getString("title")).isEqualTo("first live");
      firstId = first.id();
      assertThat(Long.parseLong(firstId)).isPositive();
    }

    // made while the client was away: resumed from its last event, in order, nothing twice
    notify(tenant, user, "second");
    notify(tenant, user, "third");
    try (EventStream s = open(token, firstId)) {
      assertThat(s.next(Duration.ofSeconds(10)))
          .extracting(EventStream.Event::name, EventStream.Event::id)
          .containsExactly("ready", firstId);
      EventStream.Event second = s.next(Duration.ofSeconds(10));
      EventStream.Event third = s.next(Duration.ofSeconds(10));
      assertThat(new JsonPath(second.data()).getString("title")).isEqualTo("second");
      assertThat(new JsonPath(third.data()).getString("title")).isEqualTo("third");
      assertThat(Long.parseLong(third.id())).isGreaterThan(Long.parseLong(second.id()));
      assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(firstId));
      notify(tenant, user, "fourth");
      assertThat(new JsonPath(s.next(Duration.ofSeconds(10)).data()).getString("title"))
          .isEqualTo("fourth");
    }

    given()
        .header("Authorization", "Bearer " + token)
        .header("Last-Event-ID", "not-a-number")
        .get("/api/v1/notifications/stream")
        .then()
        .statusCode(400);
  }

  @Test
  void unreadNotificationsAreCountedListedAndMarkedRead() {
    UUID tenant = UUID.randomUUID();
    String user = "user-" + UUID.randomUUID();
    String token = token(tenant, user);
    notify(tenant, user, "one");
    notify(tenant, user, "two");
    notify(tenant, user, "three");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications/unread-count")
        .then()
        .statusCode(200)
        .body("unread", equalTo(3));
    String id =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/notifications")
            .then()
            .extract()
            .path("items[0].id");
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/notifications/" + id + "/read")
        .then()
        .statusCode(204);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications?unread=true")
        .then()
        .body("items", hasSize(2));
    // another user cannot mark it
    given()
        .header("Authorization", "Bearer " + token(tenant, "other"))
        .post("/api/v1/notifications/" + id + "/read")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/notifications/read-all")
        .then()
        .statusCode(200)
        .body("read", equalTo(2));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications/unread-count")
        .then()
        .body("unread", equalTo(0));
  }
}
