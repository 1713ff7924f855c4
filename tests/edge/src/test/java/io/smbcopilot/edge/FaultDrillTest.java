package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.devstack.Names;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The platform fault drill (issue 18): a mixed workload (uploads, searches, streamed answers,
 * workflow runs with an http call and an approval, webhook deliveries to a receiver on loopback,
 * clients of the notification stream) runs for minutes while, one after another, Kafka stops,
 * PostgreSQL stops, each service is killed with SIGKILL and started again, and the webhook receiver
 * goes away. The clients use both gateways, as behind a load balancer. Afterwards it reconciles:
 * every accepted upload indexed, announced once; every run finished with each step recorded once
 * and its http call acting once; every webhook event with one stable id; every stream client caught
 * up with nothing twice; no 5xx but 503, and those only during an outage. Among the last of the
 * platform's tests: it restarts everything.
 */
@Order(Integer.MAX_VALUE)
class FaultDrillTest {
  /** How long each outage (Kafka, PostgreSQL, the receiver) lasts. */
  static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("drill.outage", 15));

  /** How long the workload runs between two faults (and before the first). */
  static final Duration BETWEEN = Duration.ofSeconds(Integer.getInteger("drill.between", 10));

  /** How long after an outage ended a 503 still counts as the outage's. */
  static final long GRACE_MILLIS = 30_000;

  static final int SSE_CLIENTS = 3;

  record Fault(String what, long from, long to) {}

  /** A 5xx a client saw: what it did, the status, when, and the start of the answer. */
  record Failure(String op, int status, long at, String body) {}

  /** What the clients did and saw. */
  static final class Seen {
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final List<String> unexpected = new CopyOnWriteArrayList<>();

    void count(String what) {
      counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    int get(String what) {
      AtomicInteger n = counts.get(what);
      return n == null ? 0 : n.get();
    }

    /** Counts the answer; a 5xx is kept, and any other status than the expected ones too. */
    void answered(String op, int status, String body, int... expected) {
      count(op + " " + status);
      if (status >= 500) {
        failures.add(
            new Failure(
                op,
                status,
                System.currentTimeMillis(),
                body == null ? "" : body.substring(0, Math.min(200, body.length()))));
        return;
      }
      for (int e : expected) {
        if (e == status) {
          return;
        }
      }
      unexpected.add(op + " " + status + " " + body);
    }
  }

  /** A client of the platform through both gateways, as a load balancer spreads them. */
  static final class Client {
    final Edge edge;
    final AtomicReference<String> token;
    final Seen seen;
    final AtomicInteger turn = new AtomicInteger();

    Client(Edge edge, AtomicReference<String> token, Seen seen) {
      this.edge = edge;
      this.token = token;
      this.seen = seen;
    }

    /** The gateways in the order to try them: each request starts at the next. */
    List<String> gateways() {
      return turn.getAndIncrement() % 2 == 0
          ? List.of(edge.gateway, edge.gateway2)
          : List.of(edge.gateway2, edge.gateway);
    }

    /**
     * Sends through a gateway, through the other when it cannot be reached (a killed gateway); null
     * when neither could be.
     */
    Edge.Response send(String op, String method, String path, String body, String... headers) {
      for (String gateway : gateways()) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token.get();
        System.arraycopy(headers, 0, all, 2, headers.length);
        try {
          return Edge.send(method, gateway + path, body, all);
        } catch (AssertionError e) {
          if (!(e.getCause() instanceof IOException)) {
            throw e;
          }
          seen.count(op + " " + reason(e.getCause()));
        }
      }
      return null;
    }
  }

  static String reason(Throwable failure) {
    return failure instanceof java.net.http.HttpTimeoutException ? "timed-out" : "unreachable";
  }

  @Test
  void theWorkloadKeepsEveryPromiseWhileKafkaPostgresEachServiceAndTheReceiverFail()
      throws Exception {
    Edge edge = Edge.get();
    String mark = UUID.randomUUID().toString().substring(0, 8);
    Edge.User owner = edge.signup("Fault Drill " + mark);
    edge.plan(owner.tenantId(), "unlimited");
    AtomicReference<String> token = new AtomicReference<>(owner.token());
    Seen seen = new Seen();
    Client client = new Client(edge, token, seen);
    List<Fault> faults = new ArrayList<>();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      Edge.Response hooks =
          edge.call(
              "POST",
              "/api/v1/webhooks",
              owner.token(),
              "{\"url\":\""
                  + receiver.url("/hooks")
                  + "\",\"eventTypes\":[\"io.smbcopilot.document.indexed.v1\","
                  + "\"io.smbcopilot.workflow.run-finished.v1\"]}");
      assertThat(hooks.status()).as(hooks.body()).isEqualTo(201);
      // an http call the receiver takes (tried again while it is away), an approval, a note
      String workflow =
          WorkflowsAcceptanceTest.create(
              edge,
              owner,
              """
              {"trigger": {"type": "manual"},
               "steps": [
                 {"id": "post", "type": "http",
                  "inputs": {"method": "POST", "url": "%s", "body": {"run": {"expr": "run.id"}}},
                  "retry": {"maxAttempts": 20, "initialDelay": "PT1S", "maxDelay": "PT5S"}},
                 {"id": "ok", "type": "approval", "inputs": {"title": "Drill approval"}},
                 {"id": "tell", "type": "notify",
                  "inputs": {"channel": "in-app", "title": "Drill done",
                             "body": {"expr": "run.id"}}}
               ]}"""
                  .formatted(receiver.url("/effects")));
      String word = "drill" + mark;
      CopilotAcceptanceTest.uploadIndexed(
          edge, owner, "drill-seed.md", "# Orders\n\nThe " + word + " order ships on Tuesday.\n");

      AtomicBoolean working = new AtomicBoolean(true);
      AtomicBoolean approving = new AtomicBoolean(true);
      AtomicBoolean streaming = new AtomicBoolean(true);
      Map<String, String> accepted = new ConcurrentHashMap<>(); // document id -> name
      Set<String> runs = ConcurrentHashMap.newKeySet();
      List<Stream> streams = new ArrayList<>();
      for (int i = 0; i < SSE_CLIENTS; i++) {
        streams.add(new Stream(edge, client, seen));
      }
      ExecutorService pool = Executors.newCachedThreadPool();
      for (Stream stream : streams) {
        pool.submit(() -> stream.listen(streaming));
      }
      // what the feed holds from once every client is listening is what each must get
      await()
          .alias("the stream clients listening")
          .atMost(Duration.ofSeconds(30))
          .until(() -> streams.stream().allMatch(s -> s.last != null));
      java.sql.Timestamp feedFrom = new java.sql.Timestamp(System.currentTimeMillis());
      List<Future<?>> workload = new ArrayList<>();
      long started = System.currentTimeMillis();

      // the token is renewed before it runs out (Keycloak may be away with PostgreSQL)
      pool.submit(
          () -> {
            long next = System.currentTimeMillis() + 180_000;
            while (streaming.get()) {
              if (System.currentTimeMillis() >= next) {
                try {
                  token.set(edge.password(owner.email(), Edge.PASSWORD));
                  next = System.currentTimeMillis() + 180_000;
                } catch (AssertionError e) {
                  next = System.currentTimeMillis() + 5_000;
                }
              }
              Edge.reach(System.currentTimeMillis() + 1_000);
            }
            return null;
          });
      // uploads: a new file every 3 s; an upload not taken is not sent again (another follows)
      workload.add(
          paced(
              pool,
              working,
              started,
              3_000,
              i -> {
                String name = "drill-" + mark + "-" + i + ".md";
                byte[] text =
                    "# Order %d\n\nThe %s order %d ships on day %d.\n"
                        .formatted(i, word, i, i)
                        .getBytes(StandardCharsets.UTF_8);
                Edge.Response r = null;
                for (String gateway : client.gateways()) {
                  try {
                    r = KnowledgeAcceptanceTest.upload(gateway, token.get(), name, text, null);
                    break;
                  } catch (IOException e) {
                    seen.count("upload " + reason(e));
                  }
                }
                if (r != null) {
                  seen.answered("upload", r.status(), r.body(), 202);
                  if (r.status() == 202) {
                    accepted.put(r.json().get("id").asText(), name);
                  }
                }
              }));
      // searches, one a second
      workload.add(
          paced(
              pool,
              working,
              started,
              1_000,
              i -> {
                Edge.Response r =
                    client.send(
                        "search",
                        "POST",
                        "/api/v1/search",
                        "{\"query\":\"" + word + " order\",\"mode\":\"hybrid\",\"topK\":3}");
                if (r != null) {
                  seen.answered("search", r.status(), r.body(), 200);
                }
              }));
      // streamed answers, one every 5 s
      workload.add(paced(pool, working, started, 5_000, i -> ask(client, word)));
      // runs: one every 3 s, each started again with its key until it is taken
      workload.add(
          paced(
              pool,
              working,
              started,
              3_000,
              i -> {
                String key = "drill-" + mark + "-" + i;
                long giveUp = System.currentTimeMillis() + 180_000;
                while (System.currentTimeMillis() < giveUp) {
                  Edge.Response r =
                      client.send(
                          "run",
                          "POST",
                          "/api/v1/workflows/" + workflow + "/runs",
                          "{\"input\": {}}",
                          "Idempotency-Key",
                          key);
                  if (r != null) {
                    seen.answered("run", r.status(), r.body(), 200, 202);
                    if (r.status() == 200 || r.status() == 202) {
                      runs.add(r.json().get("id").asText());
                      return;
                    }
                  }
                  Edge.reach(System.currentTimeMillis() + 1_000);
                }
              }));
      // the approver: every second, approves the runs that wait
      Future<?> approver =
          pool.submit(
              () -> {
                while (approving.get()) {
                  long next = System.currentTimeMillis() + 1_000;
                  Edge.Response list =
                      client.send(
                          "list", "GET", "/api/v1/workflows/" + workflow + "/runs?limit=100", null);
                  if (list != null) {
                    seen.answered("list", list.status(), list.body(), 200);
                    if (list.status() == 200) {
                      for (JsonNode run : list.json().get("items")) {
                        if ("waiting".equals(run.get("status").asText())) {
                          Edge.Response r =
                              client.send(
                                  "approve",
                                  "POST",
                                  "/api/v1/runs/" + run.get("id").asText() + "/approvals",
                                  "{\"decision\": \"approve\"}");
                          if (r != null) {
                            // 409: approved already, by an answer this client did not get
                            seen.answered("approve", r.status(), r.body(), 200, 409);
                          }
                        }
                      }
                    }
                  }
                  Edge.reach(next);
                }
                return null;
              });

      // the faults, one after another, the workload going on between them
      Edge.reach(started + BETWEEN.toMillis() * 2);
      faults.add(outage(edge, "kafka"));
      Edge.reach(System.currentTimeMillis() + BETWEEN.toMillis());
      faults.add(outage(edge, "postgres"));
      Edge.reach(System.currentTimeMillis() + BETWEEN.toMillis());
      for (String service : Names.SERVICES) {
        long from = System.currentTimeMillis();
        long pid = Long.parseLong(edge.stack.status().get("app." + service + ".pid"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        edge.stack.startApps();
        faults.add(new Fault(service + " killed", from, System.currentTimeMillis()));
        Edge.reach(System.currentTimeMillis() + BETWEEN.toMillis());
      }
      long away = System.currentTimeMillis();
      receiver.down();
      Edge.reach(away + OUTAGE.toMillis());
      receiver.up();
      faults.add(new Fault("webhook receiver away", away, System.currentTimeMillis()));
      Edge.reach(System.currentTimeMillis() + BETWEEN.toMillis());
      working.set(false);
      for (Future<?> f : workload) {
        f.get(5, TimeUnit.MINUTES);
      }
      long workloadSeconds = (System.currentTimeMillis() - started) / 1000;

      // ---- reconciliation ----
      // every run finishes (the approver goes on until none waits)
      settles(
          edge,
          "every run finished",
          "workflow-worker",
          "SELECT count(*) FROM workflow_run WHERE tenant_id = ?::uuid"
              + " AND status IN ('succeeded', 'failed', 'cancelled')",
          owner.tenantId(),
          runs.size());
      approving.set(false);
      approver.get(1, TimeUnit.MINUTES);
      assertThat(WorkflowsKillTest.count(edge, owner, "succeeded")).isEqualTo(runs.size());
      // every document indexed, the accepted ones and any whose answer was lost to a fault
      settles(
          edge,
          "every document indexed",
          "ingestion-service",
          "SELECT count(*) FROM document WHERE tenant_id = ?::uuid AND status <> 'indexed'",
          owner.tenantId(),
          0);
      Map<String, Integer> byName = new HashMap<>();
      Set<String> indexed = new HashSet<>();
      try (Connection c = edge.database("ingestion-service");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT d.id::text, d.file_name, (SELECT count(*) FROM chunk k"
                      + " WHERE k.document_id = d.id) FROM document d WHERE d.tenant_id = ?::uuid")) {
        s.setString(1, owner.tenantId());
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            byName.merge(r.getString(2), 1, Integer::sum);
            assertThat(r.getLong(3)).as("chunks of " + r.getString(2)).isPositive();
            indexed.add(r.getString(1));
          }
        }
      }
      int lostUploads =
          (int) accepted.keySet().stream().filter(id -> !indexed.contains(id)).count();
      long doubledUploads = byName.values().stream().filter(n -> n > 1).count();

      // webhooks: each document and each run announced with one id (sent again maybe, acted on
      // once by a receiver that keeps the ids it saw)
      Map<String, Set<String>> announced = new TreeMap<>();
      await()
          .alias("every document and run announced to the receiver")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                announced.clear();
                announced.putAll(announcements(receiver));
                return announced.keySet().containsAll(indexed)
                    && announced.keySet().containsAll(runs);
              });
      int hookRequests =
          (int) receiver.received().stream().filter(r -> r.path().equals("/hooks")).count();
      int distinctHooks = announced.values().stream().mapToInt(Set::size).sum();
      long doubledHooks = announced.values().stream().filter(ids -> ids.size() > 1).count();

      // runs: each of the three steps recorded once, succeeded; the http call keyed per step,
      // none arriving after its step was recorded done; one note per run
      Map<String, Long> done = stepsDone(edge, workflow);
      assertThat(done).hasSize(3 * runs.size());
      WorkflowsKillTest.Calls made =
          WorkflowsKillTest.Calls.of(
              receiver.received().stream().filter(r -> r.path().equals("/effects")).toList(), done);
      Map<String, Integer> calls = made.byKey();
      int late = made.late();
      Set<String> runKeys = new HashSet<>();
      runs.forEach(run -> runKeys.add(run + ":1"));
      assertThat(calls.keySet()).isEqualTo(runKeys);
      Map<String, Integer> notes = notes(edge, owner, runs.size());
      assertThat(notes.keySet()).isEqualTo(runs);
      long doubledNotes = notes.values().stream().filter(n -> n > 1).count();

      // every stream client caught up with the owner's whole feed, nothing twice
      Set<String> feed = feed(edge, owner, feedFrom);
      await()
          .alias("every stream client caught up")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> streams.stream().allMatch(s -> s.received.keySet().containsAll(feed)));
      streaming.set(false);
      int reconnects = streams.stream().mapToInt(s -> s.reconnects.get()).sum();
      int doubledStream = streams.stream().mapToInt(s -> s.twice.get()).sum();
      pool.shutdownNow();

      // no 5xx but 503, and each 503 during an outage (or just after it)
      List<Failure> outside = new ArrayList<>();
      for (Failure f : seen.failures) {
        boolean during =
            faults.stream().anyMatch(x -> f.at() >= x.from() && f.at() <= x.to() + GRACE_MILLIS);
        if (f.status() != 503 || !during) {
          outside.add(f);
        }
      }
      int operations =
          seen.counts.entrySet().stream()
              .filter(e -> e.getKey().matches(".* \\d{3}"))
              .mapToInt(e -> e.getValue().get())
              .sum();
      System.out.printf(
          "fault drill: %d s of workload, %d operations answered %s; faults injected (%d): %s%n",
          workloadSeconds,
          operations,
          new TreeMap<>(
              seen.counts.entrySet().stream()
                  .collect(
                      java.util.stream.Collectors.toMap(
                          Map.Entry::getKey, e -> e.getValue().get()))),
          faults.size(),
          faults.stream().map(f -> f.what() + " " + (f.to() - f.from()) / 1000 + " s").toList());
      System.out.printf(
          "fault drill: %d uploads accepted, %d documents indexed, lost %d, doubled %d; %d runs"
              + " succeeded, %d steps recorded once, %d http calls for %d keys (%d after their"
              + " step was done), %d notes, doubled %d; %d webhook requests for %d events,"
              + " doubled %d; %d stream clients caught up with %d notifications (%d reconnects),"
              + " doubled %d; 5xx: %d, all 503 during an outage: %s%n",
          accepted.size(),
          indexed.size(),
          lostUploads,
          doubledUploads,
          runs.size(),
          done.size(),
          calls.values().stream().mapToInt(Integer::intValue).sum(),
          calls.size(),
          late,
          notes.size(),
          doubledNotes,
          hookRequests,
          distinctHooks,
          doubledHooks,
          streams.size(),
          feed.size(),
          reconnects,
          doubledStream,
          seen.failures.size(),
          outside.isEmpty());
      long lost = lostUploads + (runs.size() - notes.size());
      long doubled = doubledUploads + late + doubledNotes + doubledHooks + doubledStream;
      System.out.printf(
          "fault drill: %d operations, %d faults injected, lost %d, doubled %d%n",
          operations, faults.size(), lost, doubled);
      assertThat(seen.unexpected).as("answers no client should get").isEmpty();
      assertThat(outside).as("5xx other than a 503 during an outage").isEmpty();
      assertThat(lostUploads).as("accepted uploads not indexed").isZero();
      assertThat(doubledUploads).as("files stored twice").isZero();
      assertThat(late).as("http calls of a step already done").isZero();
      assertThat(doubledNotes).as("runs that made more than one note").isZero();
      assertThat(doubledHooks).as("events announced under two ids").isZero();
      assertThat(doubledStream).as("notifications a stream client got twice").isZero();
      assertThat(accepted).as("uploads taken").hasSizeGreaterThan(20);
      assertThat(runs).as("runs taken").hasSizeGreaterThan(20);
      assertThat(seen.failures).as("the faults were felt").isNotEmpty();
    } finally {
      edge.stack.start("kafka");
      edge.stack.start("postgres");
      edge.stack.startApps();
    }
  }

  /** One turn of a paced client: its number. */
  interface Turn {
    void take(int i) throws Exception;
  }

  /**
   * A client that takes a turn every so many milliseconds (the i-th at {@code started + i * every})
   * while the workload goes on.
   */
  private static Future<?> paced(
      ExecutorService pool, AtomicBoolean working, long started, long every, Turn turn) {
    return pool.submit(
        () -> {
          for (int i = 0; working.get(); i++) {
            Edge.reach(started + i * every);
            turn.take(i);
          }
          return null;
        });
  }

  /** Waits (5 minutes at most) until the count the query answers for the tenant is this one. */
  private static void settles(
      Edge edge, String what, String service, String sql, String tenantId, long count) {
    await()
        .alias(what)
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> edge.number(service, sql, tenantId) == count);
  }

  /** Stops the component, waits the outage, starts it again; the services ready once more. */
  private static Fault outage(Edge edge, String component) throws Exception {
    long from = System.currentTimeMillis();
    edge.stack.stop(component);
    Edge.reach(from + OUTAGE.toMillis());
    edge.stack.start(component);
    for (String service : Names.SERVICES) {
      await()
          .alias(service + " ready after " + component + " came back")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> Edge.send("GET", edge.url(service) + "/q/health/ready", null).status() == 200);
    }
    return new Fault(component + " stopped", from, System.currentTimeMillis());
  }

  /** One streamed answer; its outcome counted ("ask 200 done", an error event, a cut stream). */
  private static void ask(Client client, String word) {
    for (String gateway : client.gateways()) {
      try {
        ServerSentEvents.Stream stream =
            ServerSentEvents.post(
                gateway + "/api/v1/copilot/ask",
                client.token.get(),
                "{\"question\":\"When does the " + word + " order ship?\"}",
                e -> false);
        client.seen.answered("ask", stream.status(), stream.body(), 200);
        if (stream.status() == 200) {
          if (!stream.named("done").isEmpty()) {
            client.seen.count("ask done");
          } else if (!stream.named("error").isEmpty()) {
            JsonNode error = stream.named("error").get(0).json();
            client.seen.answered(
                "ask error event", error.path("status").asInt(500), error.toString(), 200);
          } else {
            client.seen.count("ask ended early");
          }
        }
        return;
      } catch (IOException e) {
        client.seen.count("ask " + reason(e));
      } catch (Exception e) {
        client.seen.count("ask cut");
        return;
      }
    }
  }

  /**
   * A client of the notification stream: reads it, and reconnects from the last event it got when
   * the stream ends or fails (as a browser's EventSource does).
   */
  static final class Stream {
    final Edge edge;
    final Client client;
    final Seen seen;
    final Map<String, String> received = new ConcurrentHashMap<>(); // notification id -> event id
    final AtomicInteger reconnects = new AtomicInteger();
    final AtomicInteger twice = new AtomicInteger();
    volatile String last;

    Stream(Edge edge, Client client, Seen seen) {
      this.edge = edge;
      this.client = client;
      this.seen = seen;
    }

    Void listen(AtomicBoolean streaming) {
      while (streaming.get()) {
        String gateway = client.gateways().get(0);
        try {
          ServerSentEvents.Stream s =
              ServerSentEvents.get(
                  gateway + "/api/v1/notifications/stream",
                  client.token.get(),
                  last,
                  e -> {
                    if (e.id() != null) {
                      last = e.id();
                    }
                    if ("notification".equals(e.name())
                        && received.put(e.json().get("id").asText(), e.id()) != null) {
                      twice.incrementAndGet();
                    }
                    return !streaming.get();
                  });
          if (s.status() != 200) {
            seen.answered("stream", s.status(), s.body(), 200);
          }
        } catch (Exception e) {
          seen.count("stream " + (e instanceof IOException io ? reason(io) : "cut"));
        }
        if (streaming.get()) {
          reconnects.incrementAndGet();
          Edge.reach(System.currentTimeMillis() + 1_000);
        }
      }
      return null;
    }
  }

  /** The ids of the webhook messages the receiver got, by the document or run they are about. */
  private static Map<String, Set<String>> announcements(WebhookReceiver receiver) throws Exception {
    Map<String, Set<String>> ids = new HashMap<>();
    for (WebhookReceiver.Received r : receiver.received()) {
      if (!r.path().equals("/hooks")) {
        continue;
      }
      JsonNode data = Edge.JSON.readTree(r.body()).get("data");
      String about =
          data.has("runId") ? data.get("runId").asText() : data.get("documentId").asText();
      ids.computeIfAbsent(about, k -> new HashSet<>()).add(r.header("webhook-id"));
    }
    return ids;
  }

  /** When each step of the workflow's runs was recorded done, by {@code run:seq}. */
  private static Map<String, Long> stepsDone(Edge edge, String workflow) throws Exception {
    Map<String, Long> done = new HashMap<>();
    try (Connection c = edge.database("workflow-worker");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT r.id::text, s.seq, s.status, s.finished_at"
                    + " FROM step_run s JOIN workflow_run r ON r.id = s.run_id"
                    + " WHERE r.workflow_id = ?::uuid")) {
      s.setString(1, workflow);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String key = r.getString(1) + ":" + r.getInt(2);
          assertThat(r.getString(3)).as(key).isEqualTo("succeeded");
          assertThat(done.put(key, r.getTimestamp(4).getTime())).as(key).isNull();
        }
      }
    }
    return done;
  }

  /** The "Drill done" notes, counted by the run they name, once there is one per run. */
  private static Map<String, Integer> notes(Edge edge, Edge.User owner, int runs) throws Exception {
    Map<String, Integer> notes = new HashMap<>();
    try (Connection c = edge.database("notifications-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT body, count(*) FROM notification WHERE tenant_id = ?::uuid"
                    + " AND title = 'Drill done' GROUP BY body")) {
      s.setString(1, owner.tenantId());
      await()
          .alias("a note for every run")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                notes.clear();
                try (ResultSet r = s.executeQuery()) {
                  while (r.next()) {
                    notes.put(r.getString(1), r.getInt(2));
                  }
                }
                return notes.size() >= runs;
              });
    }
    return notes;
  }

  /** The ids of the notifications of the owner's feed made since then. */
  private static Set<String> feed(Edge edge, Edge.User owner, java.sql.Timestamp since)
      throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = edge.database("notifications-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id::text FROM notification WHERE tenant_id = ?::uuid AND user_id = ?"
                    + " AND created_at >= ?")) {
      s.setString(1, owner.tenantId());
      s.setString(2, owner.userId());
      s.setTimestamp(3, since);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }
}
