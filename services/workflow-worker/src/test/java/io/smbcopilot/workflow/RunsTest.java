package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Durable runs on the real database and job queue: a manual run takes its steps (a condition on its
 * input, a wait, an in-app notification through the outbox), each step kept with its input and
 * output, local steps that follow one another in one go and one transaction (at most 16); the
 * branch not taken is not run; an Idempotency-Key starts one run; a step that fails ends the run
 * with the step's reason; a disabled workflow does not start.
 */
@QuarkusTest
@TestProfile(MeteringTest.OutboxKept.class) // the outbox keeps its events: the test reads them
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class RunsTest {
  static final String DEFINITION =
      """
      {"trigger": {"type": "manual"},
       "steps": [
         {"id": "big", "type": "condition", "if": "trigger.amount > 1000", "then": "pause", "else": "small"},
         {"id": "small", "type": "notify", "next": "end",
          "inputs": {"channel": "in-app", "title": "small order"}},
         {"id": "pause", "type": "wait", "inputs": {"duration": "PT0S"}},
         {"id": "tell", "type": "notify",
          "inputs": {"channel": "in-app",
                     "title": {"expr": "'Big order: ' + string(trigger.amount)"},
                     "body": {"expr": "'checked: ' + string(steps.big.output.result)"}}}
       ]}""";

  @Inject Pool pool;

  static String user(UUID tenant) {
    return TestTokens.get()
        .user(
            tenant,
            "owner-" + tenant,
            "owner",
            List.of("workflows:read", "workflows:run", "workflows:manage"));
  }

  static String create(String token, String definition) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"name\": \"Orders\", \"definition\": " + definition + "}")
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static JsonPath awaitFinished(String token, String run) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !"running"
                    .equals(
                        given()
                            .header("Authorization", "Bearer " + token)
                            .get("/api/v1/runs/" + run)
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("status")));
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/runs/" + run)
        .then()
        .extract()
        .jsonPath();
  }

  /** Waits until the run has the status; the run then. */
  static JsonPath awaitStatus(String token, String run, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                status.equals(
                    given()
                        .header("Authorization", "Bearer " + token)
                        .get("/api/v1/runs/" + run)
                        .then()
                        .extract()
                        .path("status")));
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/runs/" + run)
        .then()
        .extract()
        .jsonPath();
  }

  static String start(String token, String workflow, String input) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"input\": " + input + "}")
        .post("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  private long events(UUID tenant, String type) {
    return MeteringTest.events(pool, tenant, type);
  }

  @Test
  void aManualRunTakesItsStepsAndKeepsEachStepsInputAndOutput() {
    UUID tenant = UUID.randomUUID();
    String token = user(tenant);
    String workflow = create(token, DEFINITION);
    String run =
        given()
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", "order-4711")
            .contentType("application/json")
            .body("{\"input\": {\"amount\": 2500}}")
            .post("/api/v1/workflows/" + workflow + "/runs")
            .then()
            .statusCode(202)
            // condition, wait 0, notify: taken in the start's own transaction, so done when
            // answered
            .body("status", equalTo("succeeded"))
            .body("version", equalTo(1))
            .extract()
            .path("id");
    // the same key again: the same run, not a second one
    given()
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", "order-4711")
        .contentType("application/json")
        .body("{\"input\": {\"amount\": 2500}}")
        .post("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(200)
        .body("id", equalTo(run));

    JsonPath done = awaitFinished(token, run);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("big", "pause", "tell");
    assertThat(done.getList("steps.seq")).containsExactly(1, 2, 3);
    assertThat(done.getBoolean("steps[0].output.result")).isTrue();
    assertThat(done.getString("steps[2].input.title")).isEqualTo("Big order: 2500");
    assertThat(done.getString("steps[2].input.body")).isEqualTo("checked: true");
    assertThat(done.getString("finishedAt")).isNotNull();
    // one notification asked of the notifications service, and the run's end told
    assertThat(events(tenant, "io.smbcopilot.notification.requested.v1")).isEqualTo(1);
    assertThat(events(tenant, "io.smbcopilot.workflow.run-finished.v1")).isEqualTo(1);

    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].id", equalTo(run));
    // another tenant finds none of it
    given()
        .header("Authorization", "Bearer " + user(UUID.randomUUID()))
        .get("/api/v1/runs/" + run)
        .then()
        .statusCode(404);
  }

  @Test
  void localStepsThatFollowOneAnotherAreTakenInOneGoAndKeptInOneTransaction() {
    String token = user(UUID.randomUUID());
    String run = start(token, create(token, DEFINITION), "{\"amount\": 2500}");
    JsonPath done = awaitFinished(token, run);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("big", "pause", "tell");
    // condition, wait 0 and notify: their three results kept in one transaction, the one that wrote
    // the run (that the start took them, the test above sees in its answer: succeeded)
    assertThat(transactions(run)).containsExactly(3L);
    assertThat(stepsTransactions(run)).containsExactly(runTransaction(run));

    // twenty of them: kept in goes of at most 16, so that a long run lets others in
    StringBuilder twenty = new StringBuilder("{\"trigger\": {\"type\": \"manual\"}, \"steps\": [");
    for (int i = 1; i <= 20; i++) {
      twenty
          .append(i == 1 ? "" : ", ")
          .append("{\"id\": \"w")
          .append(i)
          .append("\", \"type\": \"wait\", \"inputs\": {\"duration\": \"PT0S\"}}");
    }
    String long_ = start(token, create(token, twenty.append("]}").toString()), "{}");
    JsonPath all = awaitFinished(token, long_);
    assertThat(all.getString("status")).isEqualTo("succeeded");
    assertThat(all.getList("steps.seq")).hasSize(20);
    assertThat(transactions(long_)).containsExactly(16L, 4L);
  }

  /** The transactions (PostgreSQL's xmin) that wrote the run's step results. */
  private List<String> stepsTransactions(String run) {
    List<String> ids = new java.util.ArrayList<>();
    pool.preparedQuery("SELECT DISTINCT xmin::text FROM step_run WHERE run_id = $1")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(run)))
        .await()
        .indefinitely()
        .forEach(r -> ids.add(r.getString(0)));
    return ids;
  }

  /** The transaction (PostgreSQL's xmin) that last wrote the run's row. */
  private String runTransaction(String run) {
    return pool.preparedQuery("SELECT xmin::text FROM workflow_run WHERE id = $1")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(run)))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getString(0);
  }

  /** The run's step results by the transaction that wrote them (PostgreSQL's xmin), in order. */
  private List<Long> transactions(String run) {
    List<Long> counts = new java.util.ArrayList<>();
    pool.preparedQuery(
            "SELECT count(*) FROM step_run WHERE run_id = $1 GROUP BY xmin::text ORDER BY min(seq)")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(run)))
        .await()
        .indefinitely()
        .forEach(r -> counts.add(r.getLong(0)));
    return counts;
  }

  @Test
  void theOtherBranchIsTakenAndAFailingStepEndsTheRunWithItsReason() {
    UUID tenant = UUID.randomUUID();
    String token = user(tenant);
    String workflow = create(token, DEFINITION);
    String small = start(token, workflow, "{\"amount\": 20}");
    JsonPath done = awaitFinished(token, small);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("big", "small");

    // no amount: the condition cannot be evaluated; the run fails with the step's reason
    String broken = start(token, workflow, "{}");
    JsonPath failed = awaitFinished(token, broken);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).startsWith("step big: ");
    assertThat(failed.getString("steps[0].status")).isEqualTo("failed");
    assertThat(events(tenant, "io.smbcopilot.workflow.run-finished.v1")).isEqualTo(2);
  }

  @Test
  void aDisabledWorkflowDoesNotStart() {
    String token = user(UUID.randomUUID());
    String workflow = create(token, DEFINITION);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"enabled\": false}")
        .patch("/api/v1/workflows/" + workflow)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(409)
        .body("detail", containsString("disabled"));
  }

  @Test
  void startsWithTheSameKeyAtOnceMakeOneRun() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = user(tenant);
    String workflow = create(token, DEFINITION);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<io.restassured.response.Response>> starts =
          new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(
            pool.submit(
                () ->
                    given()
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "same-key")
                        .contentType("application/json")
                        .body("{\"input\": {\"amount\": 5}}")
                        .post("/api/v1/workflows/" + workflow + "/runs")));
      }
      java.util.Set<String> ids = new java.util.HashSet<>();
      for (var f : starts) {
        io.restassured.response.Response r = f.get();
        assertThat(r.statusCode()).as(r.asString()).isIn(200, 202);
        ids.add(r.path("id"));
      }
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(events(tenant, "io.smbcopilot.workflow.run-started.v1")).isEqualTo(1);
  }
}
