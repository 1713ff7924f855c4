package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steps that fail and are tried again, on the real database and job queue, with a receiver of the
 * http step on loopback: a passing failure is retried with the same Idempotency-Key until it works;
 * a refusal that another attempt cannot mend fails the run at once, which resumes from the failed
 * step (the steps before it not run again); a step over its timeout is cut; a run is cancelled and
 * its queued step never taken; an internal address is refused; the notify step's email and webhook
 * channels leave their events in the outbox.
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
class RunRetriesTest {
  /** One scripted answer of the receiver: status, Retry-After (or null), pause before it. */
  record Answer(int status, String retryAfter, long pauseMillis) {}

  /** What the receiver saw of one call. */
  record Seen(String method, String key, String body, long atMillis) {}

  @Inject Pool pool;

  private HttpServer receiver;
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void receiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                  new String(body, StandardCharsets.UTF_8),
                  System.nanoTime() / 1_000_000));
          Answer a = script.poll();
          if (a == null) {
            a = new Answer(200, null, 0);
          }
          if (a.pauseMillis() > 0) {
            try {
              release.await(a.pauseMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (a.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
          }
          byte[] answer =
              ("{\"accepted\": " + (a.status() < 300) + ", \"call\": " + seen.size() + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(a.status(), answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    receiver.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private long events(UUID tenant, String type) {
    return MeteringTest.events(pool, tenant, type);
  }

  /** A workflow: tell in the app, then post the trigger's order to the receiver. */
  private String workflow(String token, String retry, String timeout) {
    String definition =
        """
        {"trigger": {"type": "manual"},
         "steps": [
           {"id": "tell", "type": "notify", "inputs": {"channel": "in-app", "title": "posting"}},
           {"id": "post", "type": "http", %s %s
            "inputs": {"method": "POST", "url": "%s",
                       "headers": {"Authorization": "Bearer partner-token-not-a-secret"},
                       "body": {"order": {"expr": "trigger.order"}}}},
           {"id": "done", "type": "notify",
            "inputs": {"channel": "in-app",
                       "title": {"expr": "'posted: ' + string(steps.post.output.body.call)"}}}
         ]}"""
            .formatted(
                retry == null ? "" : "\"retry\": " + retry + ",",
                timeout == null ? "" : "\"timeout\": \"" + timeout + "\",",
                url());
    return RunsTest.create(token, definition);
  }

  @Test
  void aPassingFailureIsTriedAgainWithTheSameIdempotencyKeyUntilItWorks() {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    String workflow = workflow(token, "{\"maxAttempts\": 5, \"initialDelay\": \"PT0.2S\"}", null);
    script.add(new Answer(503, null, 0));
    script.add(new Answer(429, "1", 0)); // the receiver asks for a second: it gets it
    String run = RunsTest.start(token, workflow, "{\"order\": 4711}");
    JsonPath done = RunsTest.awaitFinished(token, run);

    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("tell", "post", "done");
    assertThat(done.getInt("steps[1].attempts")).isEqualTo(3);
    assertThat(done.getInt("steps[1].output.status")).isEqualTo(200);
    assertThat(done.getInt("steps[1].output.body.call")).isEqualTo(3);
    assertThat(done.getString("steps[2].input.title")).isEqualTo("posted: 3");
    // the secret header is not in the history
    assertThat(done.getString("steps[1].input.headers.Authorization")).isEqualTo("***");
    assertThat(seen).hasSize(3);
    assertThat(seen.stream().map(Seen::key).distinct().toList())
        .singleElement()
        .isEqualTo(run + ":2");
    assertThat(seen.get(0).body()).isEqualTo("{\"order\":4711}");
    // the second retry waited for the Retry-After second, not the 0.2 - 0.4 s of the backoff
    assertThat(seen.get(2).atMillis() - seen.get(1).atMillis()).isGreaterThanOrEqualTo(1000);
    assertThat(seen.get(1).atMillis() - seen.get(0).atMillis()).isLessThan(1000);
    assertThat(events(tenant, "io.smbcopilot.workflow.run-started.v1")).isEqualTo(1);
    assertThat(events(tenant, "io.smbcopilot.notification.requested.v1")).isEqualTo(2);
  }

  @Test
  void aRefusalFailsTheRunAtOnceAndTheRunResumesFromTheFailedStep() {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    String workflow = workflow(token, "{\"maxAttempts\": 5, \"initialDelay\": \"PT0.2S\"}", null);
    script.add(new Answer(404, null, 0));
    String run = RunsTest.start(token, workflow, "{\"order\": 1}");
    JsonPath failed = RunsTest.awaitFinished(token, run);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).startsWith("step post: the call answered 404");
    assertThat(failed.getInt("steps[1].attempts")).isEqualTo(1); // a 404 is not tried again
    assertThat(failed.getString("steps[1].errorCode")).isEqualTo("http.404");
    assertThat(seen).hasSize(1);

    // cancel is for running runs only
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/runs/" + run + "/cancel")
        .then()
        .statusCode(409);

    // the receiver is mended: the run resumes from post; tell is not told twice
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/runs/" + run + "/retry")
        .then()
        .statusCode(202)
        .body("status", equalTo("running"));
    JsonPath done = RunsTest.awaitFinished(token, run);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("tell", "post", "done");
    assertThat(done.getInt("steps[1].attempts")).isEqualTo(2);
    assertThat(done.getString("steps[1].status")).isEqualTo("succeeded");
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).key()).isEqualTo(seen.get(0).key());
    assertThat(events(tenant, "io.smbcopilot.notification.requested.v1")).isEqualTo(2);
    // a succeeded run is not retried, and another tenant's run is not found
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/runs/" + run + "/retry")
        .then()
        .statusCode(409);
    given()
        .header("Authorization", "Bearer " + RunsTest.user(UUID.randomUUID()))
        .post("/api/v1/runs/" + run + "/retry")
        .then()
        .statusCode(404);
  }

  @Test
  void anAttemptOverTheStepsTimeoutIsCutAndCountsAsAFailure() {
    String token = RunsTest.user(UUID.randomUUID());
    String workflow =
        workflow(token, "{\"maxAttempts\": 2, \"initialDelay\": \"PT0.1S\"}", "PT0.5S");
    script.add(new Answer(200, null, 20_000));
    script.add(new Answer(200, null, 20_000));
    String run = RunsTest.start(token, workflow, "{\"order\": 2}");
    JsonPath failed = RunsTest.awaitFinished(token, run);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("steps[1].errorCode")).isEqualTo("timeout");
    assertThat(failed.getInt("steps[1].attempts")).isEqualTo(2);
    assertThat(failed.getString("error")).contains("after 2 attempts");
  }

  @Test
  void aCancelledRunTakesNoMoreSteps() {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    String workflow =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "pause", "type": "wait", "inputs": {"duration": "PT2S"}},
               {"id": "tell", "type": "notify", "inputs": {"channel": "in-app", "title": "late"}}
             ]}""");
    String run = RunsTest.start(token, workflow, "{}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                given()
                        .header("Authorization", "Bearer " + token)
                        .get("/api/v1/runs/" + run)
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("steps")
                        .size()
                    == 1);
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/runs/" + run + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    // the wait's next step comes due and is not taken
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> queued(run) == 0);
    JsonPath after =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/runs/" + run)
            .then()
            .extract()
            .jsonPath();
    assertThat(after.getString("status")).isEqualTo("cancelled");
    assertThat(after.getList("steps.stepId")).containsExactly("pause");
    assertThat(events(tenant, "io.smbcopilot.notification.requested.v1")).isZero();
  }

  /** The run's step jobs not yet done (a done job is deleted). */
  private long queued(String run) {
    return pool.preparedQuery(
            "SELECT count(*) FROM job WHERE queue = 'workflow-steps' AND payload::text LIKE $1")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of("%" + run + "%"))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void internalAddressesAreRefusedAndTheOtherChannelsLeaveTheirEvents() {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    String metadata =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "steal", "type": "http",
                "inputs": {"url": "https://169.254.169.254/latest/meta-data/"}}
             ]}""");
    JsonPath refused = RunsTest.awaitFinished(token, RunsTest.start(token, metadata, "{}"));
    assertThat(refused.getString("status")).isEqualTo("failed");
    assertThat(refused.getString("steps[0].errorCode")).isEqualTo("forbidden-address");
    assertThat(refused.getInt("steps[0].attempts")).isEqualTo(1);

    String channels =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "mail", "type": "notify",
                "inputs": {"channel": "email", "title": "Weekly digest", "body": "3 documents"}},
               {"id": "partner", "type": "notify",
                "inputs": {"channel": "webhook", "topic": "invoice.extracted",
                           "data": {"number": {"expr": "trigger.number"}, "total": 118.5}}}
             ]}""");
    JsonPath done =
        RunsTest.awaitFinished(token, RunsTest.start(token, channels, "{\"number\": \"F-1\"}"));
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(events(tenant, "io.smbcopilot.notification.requested.v1")).isEqualTo(1);
    assertThat(events(tenant, "io.smbcopilot.workflow.message.v1")).isEqualTo(1);
    String data =
        pool.preparedQuery(
                "SELECT (data->>'topic') || ' ' || (data->'data'->>'number') FROM outbox_event WHERE tenant_id = $1 AND type = $2")
            .execute(
                io.vertx.mutiny.sqlclient.Tuple.of(
                    tenant.toString(), "io.smbcopilot.workflow.message.v1"))
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getString(0);
    assertThat(data).isEqualTo("invoice.extracted F-1");
  }
}
