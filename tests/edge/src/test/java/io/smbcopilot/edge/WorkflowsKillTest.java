package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The kill test: 1,000 runs of a three-step workflow with side effects (an http call to a receiver
 * on loopback, a condition, an in-app notification) on two worker processes, while one or the other
 * is killed with SIGKILL at random moments and started again. Every run ends succeeded; each step
 * is recorded once; no http call arrives after its step was recorded as done (a completed step
 * never runs again), and the calls a killed attempt made come again with the same Idempotency-Key,
 * so a receiver that honours it acts once per step; each run makes exactly one notification.
 */
class WorkflowsKillTest {
  static final int RUNS = Integer.getInteger("workflows.kill.runs", 1000);
  static final int KILLS = Integer.getInteger("workflows.kill.kills", 4);

  /**
   * Milliseconds between two starts: 1,000 runs over 40 s or more, while the kills happen (a killed
   * worker takes 10 to 30 s to be back, and the next kill of it waits for that).
   */
  static final int PACE = Integer.getInteger("workflows.kill.pace", 40);

  @Test
  void killedWorkersLeaveNoRunUnfinishedAndNoCompletedStepRepeated() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Kill Bakery");
    edge.plan(owner.tenantId(), "unlimited");
    Map<String, String> state = edge.stack.startReplica("workflow-worker");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String definition =
          """
          {"trigger": {"type": "manual"},
           "steps": [
             {"id": "post", "type": "http",
              "inputs": {"method": "POST", "url": "%s",
                         "body": {"run": {"expr": "run.id"}}}},
             {"id": "check", "type": "condition", "if": "steps.post.output.status == 200",
              "then": "tell", "else": "end"},
             {"id": "tell", "type": "notify",
              "inputs": {"channel": "in-app", "title": "Killed and done",
                         "body": {"expr": "run.id"}}}
           ]}"""
              .formatted(receiver.url("/effects"));
      String workflow = WorkflowsAcceptanceTest.create(edge, owner, definition);
      String url = edge.gateway + "/api/v1/workflows/" + workflow + "/runs";
      String check = "/api/v1/workflows/" + workflow;

      // the starts go on while workers die; a start the gateway could not deliver (its worker
      // was down) is sent again with the same Idempotency-Key
      Set<String> runs = ConcurrentHashMap.newKeySet();
      AtomicInteger resent = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      AtomicInteger next = new AtomicInteger();
      // paced (one start every PACE ms), so that the kills find steps at work from first to last
      long t0 = System.currentTimeMillis();
      List<Future<?>> starting = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        starting.add(
            clients.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < RUNS; i = next.getAndIncrement()) {
                    String key = "kill-" + i;
                    Edge.reach(t0 + (long) i * PACE);
                    while (true) {
                      Edge.Response r;
                      try {
                        r =
                            Edge.send(
                                "POST",
                                url,
                                "{\"input\": {}}",
                                "Authorization",
                                "Bearer " + owner.token(),
                                "Idempotency-Key",
                                key);
                      } catch (AssertionError e) {
                        r = null;
                      }
                      if (r != null && (r.status() == 202 || r.status() == 200)) {
                        runs.add(r.json().get("id").asText());
                        break;
                      }
                      resent.incrementAndGet();
                      // the worker behind the gateway is back before the start is sent again
                      await()
                          .atMost(Duration.ofMinutes(2))
                          .pollInterval(Duration.ofMillis(200))
                          .ignoreExceptions()
                          .until(
                              () -> edge.call("GET", check, owner.token(), null).status() == 200);
                    }
                  }
                  return null;
                }));
      }

      // SIGKILL the two workers in turn at random moments while the runs start and go (each kill
      // once the runs' recorded steps reach a point of their own, spread over the whole and
      // shifted at random); each is started again at once (in the background: the other works
      // meanwhile); a worker is killed again only once it is back
      Random random = new Random();
      List<String> killed = new ArrayList<>();
      int midRun = 0;
      // each worker's process, as the supervisor said when it (re)started it (asking it again
      // would wait for a restart under way)
      Map<String, String> pids = new HashMap<>(state);
      Map<String, Future<Map<String, String>>> restarting = new HashMap<>();
      ExecutorService restarts = Executors.newFixedThreadPool(2);
      for (int k = 0; k < KILLS; k++) {
        int spacing = 3 * RUNS / (KILLS + 2);
        int point = (k + 1) * spacing + random.nextInt(spacing / 2);
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> steps(edge, owner) >= point);
        String victim = k % 2 == 0 ? "workflow-worker-2" : "workflow-worker";
        String key = "app." + victim + ".pid";
        Future<Map<String, String>> back = restarting.remove(victim);
        if (back != null) {
          pids.put(key, back.get(2, java.util.concurrent.TimeUnit.MINUTES).get(key));
        }
        long pid = Long.parseLong(pids.get(key));
        int before = steps(edge, owner);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        killed.add(victim + " after " + before + " steps");
        if (before < 3 * RUNS) {
          midRun++;
        }
        restarting.put(
            victim,
            restarts.submit(
                () ->
                    victim.equals("workflow-worker")
                        ? edge.stack.startApps()
                        : edge.stack.startReplica("workflow-worker")));
      }
      for (Future<Map<String, String>> back : restarting.values()) {
        back.get(2, java.util.concurrent.TimeUnit.MINUTES);
      }
      // a kill after the last step proves nothing: most must find runs at work
      assertThat(midRun)
          .as("kills while steps were still to come: " + killed)
          .isGreaterThanOrEqualTo(KILLS / 2);
      restarts.shutdown();
      for (Future<?> f : starting) {
        f.get();
      }
      clients.shutdown();
      System.out.printf(
          "kill test: %d runs started (%d starts sent again), workers killed: %s%n",
          runs.size(), resent.get(), killed);
      assertThat(runs).hasSize(RUNS);

      // every run ends, succeeded (a killed worker's steps go to another once its lease, 10 s on
      // the devstack, ran out)
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> count(edge, owner, "succeeded") == RUNS);
      assertThat(count(edge, owner, "running") + count(edge, owner, "failed")).isZero();

      // each step recorded once, every attempt count known
      Map<String, Long> done = new HashMap<>();
      Map<String, Integer> attempts = new HashMap<>();
      int retried = 0;
      try (Connection c = edge.database("workflow-worker");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT r.id::text, s.seq, s.step_id, s.status, s.attempts, s.finished_at"
                      + " FROM step_run s JOIN workflow_run r ON r.id = s.run_id"
                      + " WHERE r.workflow_id = ?::uuid")) {
        s.setString(1, workflow);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            assertThat(r.getString(4)).isEqualTo("succeeded");
            String key = r.getString(1) + ":" + r.getInt(2);
            assertThat(done.put(key, r.getTimestamp(6).getTime())).as(key).isNull();
            attempts.put(key, r.getInt(5));
            if (r.getInt(5) > 1) {
              retried++;
            }
          }
        }
      }
      assertThat(done).hasSize(3 * RUNS);

      // the http calls: one key per run's first step, none after its step was recorded
      Calls made = Calls.of(receiver.received(), done);
      Map<String, Integer> calls = made.byKey();
      int late = made.late();
      Set<String> runKeys = new HashSet<>();
      for (String run : runs) {
        runKeys.add(run + ":1");
      }
      assertThat(calls.keySet()).isEqualTo(runKeys);
      assertThat(late).as("calls of a step already recorded as done").isZero();
      long repeated = calls.values().stream().filter(n -> n > 1).count();
      // the history counts every attempt that began, a killed one too
      calls.forEach(
          (key, n) ->
              assertThat(attempts.get(key)).as("attempts of %s", key).isGreaterThanOrEqualTo(n));

      // one notification per run
      Map<String, Integer> notified = new HashMap<>();
      try (Connection c = edge.database("notifications-service");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT body, count(*) FROM notification WHERE tenant_id = ?::uuid"
                      + " AND title = 'Killed and done' GROUP BY body")) {
        s.setString(1, owner.tenantId());
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  notified.clear();
                  try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                      notified.put(r.getString(1), r.getInt(2));
                    }
                  }
                  return notified.size() == RUNS;
                });
      }
      assertThat(notified.keySet()).isEqualTo(runs);
      assertThat(notified.values()).allMatch(n -> n == 1);
      System.out.printf(
          "kill test: %d runs succeeded, %d steps recorded once each (%d after more than one"
              + " attempt); %d http calls for %d keys (%d keys called again by a retried attempt,"
              + " none after its step was done); %d notifications, one per run%n",
          RUNS,
          done.size(),
          retried,
          receiver.received().size(),
          calls.size(),
          repeated,
          notified.size());
    } finally {
      edge.stack.startApps();
      edge.stack.stopApp("workflow-worker-2");
    }
  }

  /** A step's http calls counted by their Idempotency-Key, and those after it was recorded. */
  record Calls(Map<String, Integer> byKey, int late) {
    /**
     * The calls the receiver got, each of a recorded step (its key {@code run:seq} in {@code done},
     * with when the step was recorded): the receiver's clock and PostgreSQL's are this machine's,
     * so a call made before its step was recorded arrives before it (a millisecond of rounding
     * allowed).
     */
    static Calls of(List<WebhookReceiver.Received> received, Map<String, Long> done) {
      Map<String, Integer> byKey = new HashMap<>();
      int late = 0;
      for (WebhookReceiver.Received call : received) {
        String key = call.header("Idempotency-Key");
        byKey.merge(key, 1, Integer::sum);
        Long recorded = done.get(key);
        assertThat(recorded).as("the call %s belongs to a recorded step", key).isNotNull();
        if (call.atMillis() > recorded + 1) {
          late++;
        }
      }
      return new Calls(byKey, late);
    }
  }

  static int steps(Edge edge, Edge.User owner) throws Exception {
    return (int)
        edge.number(
            "workflow-worker",
            "SELECT count(*) FROM step_run WHERE tenant_id = ?::uuid",
            owner.tenantId());
  }

  static long count(Edge edge, Edge.User owner, String status) throws Exception {
    return edge.number(
        "workflow-worker",
        "SELECT count(*) FROM workflow_run WHERE tenant_id = ?::uuid AND status = ?",
        owner.tenantId(),
        status);
  }
}
