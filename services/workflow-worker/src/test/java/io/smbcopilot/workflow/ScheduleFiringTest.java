package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.workflow.workflows.ScheduleTicker;
import io.smbcopilot.workflow.workflows.WorkflowClock;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedule triggers fired by the real ticker on the real database, with a clock the test moves: a
 * daily 02:30 in Berlin fires at 03:30 on the night the clocks spring forward and once on the night
 * they fall back; two replicas ticking at once start one run per due time; fire times missed while
 * nothing ran are skipped or caught up, as the workflow says.
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
class ScheduleFiringTest {
  /** The controllable clock. */
  static final class MovingClock extends WorkflowClock {
    volatile Instant now;

    @Override
    public Instant now() {
      return now;
    }
  }

  @Inject ScheduleTicker ticker;

  private final MovingClock clock = new MovingClock();
  private final List<String[]> made = new ArrayList<>(); // token, workflow

  @BeforeEach
  void clock() {
    clock.now = Instant.parse("2026-01-01T00:00:00Z");
    QuarkusMock.installMockForType(clock, WorkflowClock.class);
  }

  @AfterEach
  void disable() {
    // the real clock comes back: these schedules must not fire then
    for (String[] m : made) {
      given()
          .header("Authorization", "Bearer " + m[0])
          .contentType("application/json")
          .body("{\"enabled\": false}")
          .patch("/api/v1/workflows/" + m[1])
          .then()
          .statusCode(200);
    }
  }

  private String schedule(String token, String cron, String zone, String missed) {
    String workflow =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "schedule", "cron": "%s", "timeZone": "%s", "missed": "%s"},
             "steps": [{"id": "tell", "type": "notify",
                        "inputs": {"channel": "in-app",
                                   "title": {"expr": "'due ' + trigger.scheduledFor"}}}]}"""
                .formatted(cron, zone, missed));
    made.add(new String[] {token, workflow});
    return workflow;
  }

  private int tickAt(String instant) {
    clock.now = Instant.parse(instant);
    return tick(clock.now);
  }

  /** One tick, as the scheduler makes it: on a Vert.x context. */
  private int tick(Instant at) {
    try {
      return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> ticker.tick(at));
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> firedFor(String token, String workflow) {
    JsonPath runs =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/workflows/" + workflow + "/runs?limit=100")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<String> times = new ArrayList<>(runs.getList("items.trigger.scheduledFor", String.class));
    java.util.Collections.reverse(times); // oldest first
    return times;
  }

  @Test
  void aDailyTimeTheClocksSkipFiresWhenTheyJumpAndTwoReplicasStartOneRun() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    clock.now = Instant.parse("2026-03-28T12:00:00Z");
    String workflow = schedule(token, "30 2 * * *", "Europe/Berlin", "skip");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + workflow)
        .then()
        .statusCode(200)
        .body("nextFireTimes[0]", org.hamcrest.Matchers.equalTo("2026-03-29T03:30:00+02:00"));

    tickAt("2026-03-29T01:29:00Z"); // 03:29 summer time: not yet
    assertThat(firedFor(token, workflow)).isEmpty();

    // two replicas tick at the same moment: one run
    clock.now = Instant.parse("2026-03-29T01:30:05Z");
    CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> tick(clock.now));
    CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> tick(clock.now));
    a.get();
    b.get();
    tickAt("2026-03-29T01:30:30Z");
    assertThat(firedFor(token, workflow)).containsExactly("2026-03-29T03:30+02:00");

    tickAt("2026-03-30T00:30:05Z"); // the next day, 02:30 summer time
    assertThat(firedFor(token, workflow))
        .containsExactly("2026-03-29T03:30+02:00", "2026-03-30T02:30+02:00");
    JsonPath run =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/workflows/" + workflow + "/runs")
            .then()
            .extract()
            .jsonPath();
    assertThat(run.getString("items[0].triggerType")).isEqualTo("schedule");
    assertThat(run.getString("items[0].startedBy")).isEqualTo("owner-" + tenant); // its owner
  }

  @Test
  void aDailyTimeTheClocksRepeatFiresOnce() {
    String token = RunsTest.user(UUID.randomUUID());
    clock.now = Instant.parse("2026-10-24T12:00:00Z");
    String workflow = schedule(token, "30 2 * * *", "Europe/Berlin", "skip");
    tickAt("2026-10-25T00:30:05Z"); // 02:30 summer time
    tickAt("2026-10-25T01:30:05Z"); // 02:30 again, winter time: not again
    assertThat(firedFor(token, workflow)).containsExactly("2026-10-25T02:30+02:00");
    tickAt("2026-10-26T01:30:05Z");
    assertThat(firedFor(token, workflow))
        .containsExactly("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00");
  }

  @Test
  void missedFireTimesAreSkippedOrCaughtUpAsTheWorkflowSays() {
    String token = RunsTest.user(UUID.randomUUID());
    clock.now = Instant.parse("2026-05-01T00:00:00Z");
    String skipping = schedule(token, "0 9 * * *", "UTC", "skip");
    String catching = schedule(token, "0 9 * * *", "UTC", "catch-up");

    // nothing ran from the 1st to the 4th, 10:00
    tickAt("2026-05-04T10:00:00Z");
    assertThat(firedFor(token, skipping)).isEmpty(); // the 4th's 09:00 is an hour late: skipped
    assertThat(firedFor(token, catching))
        .containsExactly(
            "2026-05-01T09:00Z", "2026-05-02T09:00Z", "2026-05-03T09:00Z", "2026-05-04T09:00Z");

    tickAt("2026-05-05T09:01:00Z"); // on time again: both fire
    assertThat(firedFor(token, skipping)).containsExactly("2026-05-05T09:00Z");
    assertThat(firedFor(token, catching)).hasSize(5).endsWith("2026-05-05T09:00Z");
  }

  @Test
  void theSchedulerTicksOnItsOwn() {
    String token = RunsTest.user(UUID.randomUUID());
    clock.now = Instant.parse("2026-06-01T06:00:00Z");
    String workflow = schedule(token, "0 8 * * MON-FRI", "Europe/London", "skip");
    clock.now = Instant.parse("2026-06-01T07:00:30Z"); // 08:00:30 in London, a Monday
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(40))
        .until(() -> firedFor(token, workflow).size() == 1);
    assertThat(firedFor(token, workflow)).containsExactly("2026-06-01T08:00+01:00");
  }
}
