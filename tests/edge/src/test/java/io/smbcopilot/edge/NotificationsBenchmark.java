package io.smbcopilot.edge;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Notifications' figures on the whole platform, two notifications-service replicas, receivers on
 * loopback: state changes (API keys created through the gateway, 20 tenants) at a steady rate, and
 * for each, from the request that commits it to (a) its notification event on the owner's
 * server-sent event stream (opened through the gateway, so about half the notifications are made by
 * the other replica and cross over PostgreSQL's NOTIFY) and (b) the signed webhook POST at the
 * receiver: p50/p95/p99, what was lost, what came twice. Then the deliveries per second one
 * notifications-service sustains to a fast receiver (every message replayed at once). Prints;
 * asserts nothing about speed (targets: p95 <= 1 s for both, nothing lost, nothing twice without a
 * retry cause).
 *
 * <p>{@code ./mvnw -B install -DskipTests && ./mvnw -B verify -pl tests/edge -Pbench
 * -Dedge.bench=NotificationsBenchmark} (-Dnotifications.rate, -Dnotifications.seconds,
 * -Dnotifications.warmup, -Dnotifications.driver).
 */
@Tag("bench")
class NotificationsBenchmark {
  static final int RATE = Integer.getInteger("notifications.rate", 100);
  static final int SECONDS = Integer.getInteger("notifications.seconds", 60);

  /**
   * Seconds at the rate before measuring: fresh JVMs compile their hot code meanwhile. Two minutes,
   * because after 45 s the notifications-service replicas were still compiling with C2 through the
   * measured minute (a flight recording counted 39 s of compilations over 100 ms in it), which took
   * the cores the consumers needed (decision 0007).
   */
  static final int WARM_UP = Integer.getInteger("notifications.warmup", 120);

  static final int TENANTS = 20;

  /**
   * What makes the state changes: {@code outbox} (default) commits each event into auth-service's
   * outbox with a SQL transaction of its own, the row a key's creation writes, so the run measures
   * the notifications path and not the cost of creating 100 keys a second through the API on the
   * same two cores; {@code api} creates the keys through the gateway.
   */
  static final String DRIVER = System.getProperty("notifications.driver", "outbox");

  static final String TYPE = "io.smbcopilot.identity.api-key-changed.v1";

  /** When each key's creation was answered (epoch ms), and when its notification was made. */
  static final Map<String, Long> ANSWERED = new ConcurrentHashMap<>();

  static final Map<String, Long> MADE = new ConcurrentHashMap<>();

  /** A tenant of the run: its owner, its endpoint. */
  record Tenant(Edge.User owner, String endpoint) {}

  @Test
  void commitToFeedAndWebhookAtASteadyRate() throws Exception {
    Edge edge = Edge.get();
    edge.stack.startReplica("notifications-service");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      List<Tenant> tenants = new ArrayList<>();
      for (int i = 0; i < TENANTS; i++) {
        tenants.add(tenant(edge, receiver, i));
      }
      Map<String, Long> feedAt = new ConcurrentHashMap<>();
      AtomicInteger feedTwice = new AtomicInteger();
      CountDownLatch ready = new CountDownLatch(TENANTS);
      List<Thread> streams = new ArrayList<>();
      for (Tenant t : tenants) {
        streams.add(
            Thread.ofPlatform().daemon().start(() -> follow(edge, t, ready, feedAt, feedTwice)));
      }
      if (!ready.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the feed streams did not start");
      }

      // warm-up at the rate, not counted: ten fresh JVMs on two cores compile their hot code
      drive(edge, tenants, RATE, WARM_UP);
      awaitQuiet(receiver, feedAt, 120);
      int feedBefore = feedAt.size();
      int webhooksBefore = receiver.received().size();
      Map<String, Long> sentAt = drive(edge, tenants, RATE, SECONDS);
      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    feedAt.keySet().containsAll(sentAt.keySet())
                        && prefixes(receiver).keySet().containsAll(sentAt.keySet()));
      } catch (ConditionTimeoutException e) {
        // what has not come by now is counted as lost below
      }
      Map<String, List<WebhookReceiver.Received>> hooks = prefixes(receiver);
      List<Double> feed = new ArrayList<>();
      List<Double> webhook = new ArrayList<>();
      int feedLost = 0;
      int webhookLost = 0;
      int webhookTwice = 0;
      for (Map.Entry<String, Long> e : sentAt.entrySet()) {
        Long f = feedAt.get(e.getKey());
        if (f == null) {
          feedLost++;
        } else {
          feed.add((double) (f - e.getValue()));
        }
        List<WebhookReceiver.Received> got = hooks.get(e.getKey());
        if (got == null || got.isEmpty()) {
          webhookLost++;
        } else {
          webhook.add((double) (got.get(0).atMillis() - e.getValue()));
          webhookTwice += got.size() - 1;
        }
      }
      CopilotBenchmark.print(
          "notifications bench: %d state changes in %d s (%.1f/s asked %d/s; driver %s), %d"
              + " tenants, 2 notifications-service replicas, after %d s of warm-up%n",
          sentAt.size(), SECONDS, sentAt.size() / (double) SECONDS, RATE, DRIVER, TENANTS, WARM_UP);
      CopilotBenchmark.print(
          "  commit -> SSE event:    p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; lost %d,"
              + " twice %d (%d events in all, %d in warm-up)%n",
          CopilotBenchmark.percentile(feed, 50),
          CopilotBenchmark.percentile(feed, 95),
          CopilotBenchmark.percentile(feed, 99),
          CopilotBenchmark.percentile(feed, 100),
          feedLost,
          feedTwice.get(),
          feedAt.size(),
          feedBefore);
      CopilotBenchmark.print(
          "  commit -> webhook POST: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; lost %d,"
              + " twice %d (every answer was 200: no retry cause; %d requests, %d in warm-up)%n",
          CopilotBenchmark.percentile(webhook, 50),
          CopilotBenchmark.percentile(webhook, 95),
          CopilotBenchmark.percentile(webhook, 99),
          CopilotBenchmark.percentile(webhook, 100),
          webhookLost,
          webhookTwice,
          receiver.received().size(),
          webhooksBefore);

      // Where the time goes: the API's answer, the notification's making, the event's time
      List<Double> answered = new ArrayList<>();
      List<Double> made = new ArrayList<>();
      List<Double> streamed = new ArrayList<>();
      List<Double> appended = new ArrayList<>();
      List<Double> posted = new ArrayList<>();
      for (Map.Entry<String, Long> e : sentAt.entrySet()) {
        Long a = ANSWERED.get(e.getKey());
        Long m = MADE.get(e.getKey());
        Long f = feedAt.get(e.getKey());
        if (a != null) {
          answered.add((double) (a - e.getValue()));
        }
        if (m != null) {
          made.add((double) (m - e.getValue()));
          if (f != null) {
            streamed.add((double) (f - m));
          }
        }
        List<WebhookReceiver.Received> got = hooks.get(e.getKey());
        if (got != null && !got.isEmpty()) {
          long eventTime = eventTime(got.get(0));
          appended.add((double) (eventTime - e.getValue()));
          posted.add((double) (got.get(0).atMillis() - eventTime));
        }
      }
      List<Double> commitToFeed = new ArrayList<>();
      List<Double> commitToHook = new ArrayList<>();
      for (Map.Entry<String, Long> e : sentAt.entrySet()) {
        List<WebhookReceiver.Received> got = hooks.get(e.getKey());
        if (got == null || got.isEmpty()) {
          continue;
        }
        long eventTime = eventTime(got.get(0));
        commitToHook.add((double) (got.get(0).atMillis() - eventTime));
        Long f = feedAt.get(e.getKey());
        if (f != null) {
          commitToFeed.add((double) (f - eventTime));
        }
      }
      // with the outbox driver the lines above already count from the commit
      if (DRIVER.equals("api")) {
        CopilotBenchmark.print(
            "  from the commit (the event's time, stamped in the transaction that creates the key):"
                + " SSE p50 %.0f ms, p95 %.0f ms, p99 %.0f ms; webhook POST p50 %.0f ms, p95 %.0f ms,"
                + " p99 %.0f ms%n",
            CopilotBenchmark.percentile(commitToFeed, 50),
            CopilotBenchmark.percentile(commitToFeed, 95),
            CopilotBenchmark.percentile(commitToFeed, 99),
            CopilotBenchmark.percentile(commitToHook, 50),
            CopilotBenchmark.percentile(commitToHook, 95),
            CopilotBenchmark.percentile(commitToHook, 99));
      }
      if (DRIVER.equals("api")) {
        CopilotBenchmark.print(
            "  stages p50/p95 ms: request -> answer %.0f/%.0f; request -> event appended %.0f/%.0f;"
                + " event -> webhook POST %.0f/%.0f; request -> notification made %.0f/%.0f;"
                + " made -> SSE %.0f/%.0f%n",
            CopilotBenchmark.percentile(answered, 50),
            CopilotBenchmark.percentile(answered, 95),
            CopilotBenchmark.percentile(appended, 50),
            CopilotBenchmark.percentile(appended, 95),
            CopilotBenchmark.percentile(posted, 50),
            CopilotBenchmark.percentile(posted, 95),
            CopilotBenchmark.percentile(made, 50),
            CopilotBenchmark.percentile(made, 95),
            CopilotBenchmark.percentile(streamed, 50),
            CopilotBenchmark.percentile(streamed, 95));
      } else {
        CopilotBenchmark.print(
            "  stages p50/p95 ms: commit -> notification made %.0f/%.0f; made -> SSE %.0f/%.0f%n",
            CopilotBenchmark.percentile(made, 50),
            CopilotBenchmark.percentile(made, 95),
            CopilotBenchmark.percentile(streamed, 50),
            CopilotBenchmark.percentile(streamed, 95));
      }

      // When in the run the time goes: a steady lag, or a few stalls
      long first = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
      StringBuilder windows = new StringBuilder();
      for (int w = 0; w * 10 < SECONDS; w++) {
        List<Double> inWindow = new ArrayList<>();
        for (Map.Entry<String, Long> e : sentAt.entrySet()) {
          Long f = feedAt.get(e.getKey());
          if (f != null && (e.getValue() - first) / 10_000 == w) {
            inWindow.add((double) (f - e.getValue()));
          }
        }
        windows.append(
            inWindow.isEmpty()
                ? " -"
                : String.format(" %.0f", CopilotBenchmark.percentile(inWindow, 95)));
      }
      CopilotBenchmark.print("  SSE p95 ms by 10 s of the run:%s%n", windows);

      // Throughput: one replica sends every message again at once to the fast receiver.
      edge.stack.stopApp("notifications-service-2");
      int before = receiver.received().size();
      String since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).toString();
      long started = System.nanoTime();
      int queued = 0;
      for (Tenant t : tenants) {
        Edge.Response r =
            edge.call(
                "POST",
                "/api/v1/webhooks/" + t.endpoint() + "/replay",
                KnowledgeBenchmark.signedIn(edge, t.owner()).token(),
                "{\"since\":\"" + since + "\"}");
        if (r.status() != 202) {
          throw new AssertionError(r.body());
        }
        queued += r.json().get("queued").asInt();
      }
      int expected = before + queued;
      try {
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> receiver.received().size() >= expected);
      } catch (ConditionTimeoutException e) {
        // the figure below says how many came
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int delivered = receiver.received().size() - before;
      CopilotBenchmark.print(
          "  one notifications-service replays %d messages: %d delivered in %.1f s = %.0f"
              + " deliveries/s (webhook workers %d, %d endpoints)%n",
          queued, delivered, seconds, delivered / seconds, 16, TENANTS);
      streams.forEach(Thread::interrupt);
    }
  }

  private static Tenant tenant(Edge edge, WebhookReceiver receiver, int i) {
    Edge.User owner = edge.signup("Notify Bench " + i);
    // in the app only: this run measures the feed and the webhooks, not the mail server
    Edge.Response prefs =
        edge.call(
            "PATCH",
            "/api/v1/notification-preferences",
            owner.token(),
            "{\"kinds\": {\"api-key.created\": \"in-app\"}}");
    if (prefs.status() != 200) {
      throw new AssertionError(prefs.body());
    }
    Edge.Response created =
        edge.call(
            "POST",
            "/api/v1/webhooks",
            owner.token(),
            "{\"url\":\"" + receiver.url("/t" + i) + "\",\"eventTypes\":[\"" + TYPE + "\"]}");
    if (created.status() != 201) {
      throw new AssertionError(created.body());
    }
    return new Tenant(owner, created.json().get("endpoint").get("id").asText());
  }

  /**
   * Creates API keys at the rate for the seconds, round the tenants, each request on its own;
   * returns each key's prefix with when its request was sent (epoch ms).
   */
  private static Map<String, Long> drive(Edge edge, List<Tenant> tenants, int rate, int seconds)
      throws Exception {
    return DRIVER.equals("api")
        ? driveApi(edge, tenants, rate, seconds)
        : driveOutbox(edge, tenants, rate, seconds);
  }

  private static final AtomicInteger KEYS = new AtomicInteger();

  /**
   * Commits an {@code api-key-changed} event into auth-service's outbox at the rate, round the
   * tenants, each in a transaction of its own; returns each key's prefix with its commit's end.
   */
  private static Map<String, Long> driveOutbox(
      Edge edge, List<Tenant> tenants, int rate, int seconds) throws Exception {
    Map<String, Long> committedAt = new ConcurrentHashMap<>();
    int total = rate * seconds;
    try (java.sql.Connection c = edge.database("auth-service");
        java.sql.PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO outbox_event (id, topic, tenant_id, type, source, subject,"
                    + " occurred_at, data) VALUES (?, 'copilot.identity.v1', ?, ?, '/auth-service',"
                    + " ?, now(), ?::jsonb)")) {
      c.setAutoCommit(true);
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      CountDownLatch done = new CountDownLatch(total);
      AtomicInteger n = new AtomicInteger();
      clock.scheduleAtFixedRate(
          () -> {
            int k = n.getAndIncrement();
            if (k >= total) {
              return;
            }
            Tenant t = tenants.get(k % tenants.size());
            String key = java.util.UUID.randomUUID().toString();
            String prefix = "cpk_b" + KEYS.incrementAndGet();
            try {
              insert.setString(1, java.util.UUID.randomUUID().toString());
              insert.setString(2, t.owner().tenantId());
              insert.setString(3, TYPE);
              insert.setString(4, "api-key/" + key);
              insert.setString(
                  5,
                  Edge.JSON
                      .createObjectNode()
                      .put("tenantId", t.owner().tenantId())
                      .put("keyId", key)
                      .put("prefix", prefix)
                      .put("change", "created")
                      .put("actorId", t.owner().userId())
                      .set("scopes", Edge.JSON.createArrayNode().add("search"))
                      .toString());
              insert.executeUpdate();
              committedAt.put(prefix, System.currentTimeMillis());
            } catch (java.sql.SQLException e) {
              CopilotBenchmark.print("notifications bench: insert failed: %s%n", e);
            } finally {
              done.countDown();
            }
          },
          0,
          1_000_000_000L / rate,
          TimeUnit.NANOSECONDS);
      done.await(seconds + 60L, TimeUnit.SECONDS);
      clock.shutdownNow();
    }
    return committedAt;
  }

  private static Map<String, Long> driveApi(Edge edge, List<Tenant> tenants, int rate, int seconds)
      throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<Integer, String> tokens = new ConcurrentHashMap<>();
    for (int i = 0; i < tenants.size(); i++) {
      tokens.put(i, KnowledgeBenchmark.signedIn(edge, tenants.get(i).owner()).token());
    }
    AtomicInteger n = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int total = rate * seconds;
    CountDownLatch done = new CountDownLatch(total);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    long period = 1_000_000_000L / rate;
    clock.scheduleAtFixedRate(
        () -> {
          int k = n.getAndIncrement();
          if (k >= total) {
            return;
          }
          int t = k % tenants.size();
          long at = System.currentTimeMillis();
          HttpRequest request =
              HttpRequest.newBuilder(URI.create(edge.gateway + "/api/v1/api-keys"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + tokens.get(t))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"bench-" + k + "\",\"scopes\":[\"search\"]}"))
                  .build();
          Edge.HTTP
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (r, e) -> {
                    try {
                      if (e == null && r.statusCode() == 201) {
                        String prefix = Edge.JSON.readTree(r.body()).get("prefix").asText();
                        sentAt.put(prefix, at);
                        ANSWERED.put(prefix, System.currentTimeMillis());
                      } else {
                        failed.incrementAndGet();
                      }
                    } catch (Exception ex) {
                      failed.incrementAndGet();
                    } finally {
                      done.countDown();
                    }
                  });
        },
        0,
        period,
        TimeUnit.NANOSECONDS);
    done.await(seconds + 60L, TimeUnit.SECONDS);
    clock.shutdownNow();
    if (failed.get() > 0) {
      CopilotBenchmark.print(
          "notifications bench: %d of %d requests failed%n", failed.get(), total);
    }
    return sentAt;
  }

  /** Reads the owner's stream through the gateway; stamps each key's notification on arrival. */
  private static void follow(
      Edge edge, Tenant t, CountDownLatch ready, Map<String, Long> feedAt, AtomicInteger twice) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(edge.gateway + "/api/v1/notifications/stream"))
              .header("Accept", "text/event-stream")
              .header("Authorization", "Bearer " + t.owner().token())
              .GET()
              .build();
      HttpResponse<InputStream> response =
          Edge.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String event = null;
        String line;
        while ((line = in.readLine()) != null) {
          long at = System.currentTimeMillis();
          if (line.startsWith("event:")) {
            event = line.substring(6).trim();
            if (event.equals("ready")) {
              ready.countDown();
            }
          } else if (line.startsWith("data:") && "notification".equals(event)) {
            JsonNode n = Edge.JSON.readTree(line.substring(5).trim());
            String body = n.path("body").asText();
            if (n.path("kind").asText().equals("api-key.created") && body.startsWith("Key ")) {
              String prefix = body.substring(4, body.indexOf(' ', 4));
              MADE.putIfAbsent(
                  prefix,
                  OffsetDateTime.parse(n.path("createdAt").asText()).toInstant().toEpochMilli());
              if (feedAt.putIfAbsent(prefix, at) != null) {
                twice.incrementAndGet();
              }
            }
          } else if (line.isEmpty()) {
            event = null;
          }
        }
      }
    } catch (Exception e) {
      // the run is over
    }
  }

  /** The webhook requests by the key prefix they carry. */
  private static Map<String, List<WebhookReceiver.Received>> prefixes(WebhookReceiver receiver) {
    Map<String, List<WebhookReceiver.Received>> by = new HashMap<>();
    for (WebhookReceiver.Received r : receiver.received()) {
      try {
        JsonNode data = Edge.JSON.readTree(r.body()).path("data");
        if ("created".equals(data.path("change").asText())) {
          by.computeIfAbsent(data.path("prefix").asText(), k -> new ArrayList<>()).add(r);
        }
      } catch (Exception e) {
        // not ours
      }
    }
    return by;
  }

  /** Waits until neither the feed nor the receiver has changed for two seconds. */
  private static void awaitQuiet(WebhookReceiver receiver, Map<String, Long> feedAt, int seconds) {
    AtomicInteger last = new AtomicInteger(-1);
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              int now = receiver.received().size() + feedAt.size();
              return last.getAndSet(now) == now;
            });
  }

  /** When the event a webhook request carries was appended, in its producer's transaction. */
  private static long eventTime(WebhookReceiver.Received r) throws Exception {
    return OffsetDateTime.parse(Edge.JSON.readTree(r.body()).path("timestamp").asText())
        .toInstant()
        .toEpochMilli();
  }
}
