package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Partner webhooks through the gateway on the running platform: a document indexed by
 * ingestion-service reaches the partner's receiver, signed, through the outbox, Kafka and
 * notifications-service; and deliveries waiting for their retry when notifications-service is
 * killed (SIGKILL) all complete after its restart, each with its one webhook-id, none sent twice at
 * once.
 */
class WebhooksAcceptanceTest {

  private static String endpoint(Edge edge, Edge.User admin, String url, String types) {
    Edge.Response created =
        edge.call(
            "POST",
            "/api/v1/webhooks",
            admin.token(),
            "{\"url\":\"" + url + "\",\"eventTypes\":" + types + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("endpoint").get("id").asText();
  }

  private static JsonNode log(Edge edge, Edge.User admin, String endpoint) {
    Edge.Response log =
        edge.call(
            "GET", "/api/v1/webhooks/" + endpoint + "/deliveries?limit=100", admin.token(), null);
    assertThat(log.status()).as(log.body()).isEqualTo(200);
    return log.json().get("items");
  }

  @Test
  void anIndexedDocumentReachesThePartnerSigned() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Webhooks Partner");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String id =
          endpoint(edge, admin, receiver.url("/erp"), "[\"io.smbcopilot.document.indexed.v1\"]");
      Edge.Response uploaded =
          KnowledgeAcceptanceTest.upload(
              edge,
              admin.token(),
              "price-list.md",
              "# Price list\n\nA sourdough loaf costs 4.20.\n".getBytes(StandardCharsets.UTF_8));
      assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(202);
      String document = uploaded.json().get("id").asText();

      await()
          .alias("the partner received document.indexed")
          .atMost(Duration.ofSeconds(90))
          .until(() -> !receiver.received().isEmpty());
      WebhookReceiver.Received got = receiver.received().get(0);
      JsonNode body = Edge.JSON.readTree(got.body());
      assertThat(body.get("type").asText()).isEqualTo("io.smbcopilot.document.indexed.v1");
      assertThat(body.get("data").get("documentId").asText()).isEqualTo(document);
      assertThat(got.header("webhook-signature")).startsWith("v1,");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "delivered".equals(log(edge, admin, id).get(0).get("status").asText()));
    }
  }

  @Test
  void deliveriesWaitingForTheirRetryCompleteOnceAfterTheServiceIsKilled() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Webhooks Kill");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      // every message's first attempt fails; later ones succeed
      Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      receiver
          .slow(Duration.ofMillis(100))
          .answering(
              r ->
                  seen.add(r.header("webhook-id"))
                      ? WebhookReceiver.Answer.of(500)
                      : WebhookReceiver.Answer.of(200));
      String id = endpoint(edge, admin, receiver.url("/hooks"), "[]");
      List<String> messages = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Edge.Response queued =
            edge.call("POST", "/api/v1/webhooks/" + id + "/test", admin.token(), null);
        assertThat(queued.status()).as(queued.body()).isEqualTo(202);
        messages.add(queued.json().get("id").asText());
      }
      await()
          .alias("every first attempt failed")
          .atMost(Duration.ofSeconds(30))
          .until(() -> seen.size() == 10);

      // killed while the retries wait (the first comes 5 s after the failure)
      long pid = Long.parseLong(edge.stack.status().get("app.notifications-service.pid"));
      ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
      process.destroyForcibly();
      process.onExit().get();
      Map<String, String> state = edge.stack.startApps();
      assertThat(Long.parseLong(state.get("app.notifications-service.pid"))).isNotEqualTo(pid);

      await()
          .alias("every delivery completed after the restart")
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                JsonNode items = log(edge, admin, id);
                int delivered = 0;
                for (JsonNode item : items) {
                  delivered += "delivered".equals(item.get("status").asText()) ? 1 : 0;
                }
                return delivered == 10;
              });
      Map<String, List<WebhookReceiver.Received>> byId =
          receiver.received().stream().collect(Collectors.groupingBy(r -> r.header("webhook-id")));
      assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(new HashSet<>(messages));
      byId.forEach(
          (message, requests) -> assertThat(requests).as(message).hasSizeGreaterThanOrEqualTo(2));
      assertThat(receiver.overlaps()).as("sent twice at once").isZero();
      System.out.printf(
          "webhooks: 10 deliveries completed after a kill; %d requests in all%n",
          receiver.received().size());
    }
  }

  /** An endpoint whose receiver answers 410: its creator is told in the app. */
  private static void gone(Edge edge, Edge.User admin, WebhookReceiver receiver, String path) {
    String id = endpoint(edge, admin, receiver.url(path), "[]");
    receiver.then(WebhookReceiver.Answer.of(410));
    assertThat(edge.call("POST", "/api/v1/webhooks/" + id + "/test", admin.token(), null).status())
        .isEqualTo(202);
  }

  @Test
  void theFeedStreamsThroughTheGatewayAndResumesAcrossARestart() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Feed Stream");
    String url = edge.gateway + "/api/v1/notifications/stream";
    // the welcome comes through Kafka after the sign-up: made before the stream opens
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                edge.call("GET", "/api/v1/notifications", admin.token(), null)
                        .json()
                        .get("items")
                        .size()
                    == 1);
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      java.util.concurrent.CompletableFuture<ServerSentEvents.Event> ready =
          new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<ServerSentEvents.Stream> live =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ServerSentEvents.get(
                      url,
                      admin.token(),
                      null,
                      e -> {
                        if ("ready".equals(e.name())) {
                          ready.complete(e);
                        }
                        return "notification".equals(e.name());
                      });
                } catch (Exception e) {
                  ready.completeExceptionally(e);
                  throw new IllegalStateException(e);
                }
              });
      // once the stream is live, a notification made reaches it through the gateway
      ready.get(30, java.util.concurrent.TimeUnit.SECONDS);
      gone(edge, admin, receiver, "/first");
      ServerSentEvents.Stream stream = live.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
      assertThat(stream.named("ready")).hasSize(1);
      ServerSentEvents.Event first = stream.named("notification").get(0);
      assertThat(first.json().get("kind").asText()).isEqualTo("webhook.disabled");
      assertThat(first.json().get("body").asText()).contains("/first");

      // notifications-service is killed; a notification is made after its restart; the client
      // resumes from its last event and gets that one only
      long pid = Long.parseLong(edge.stack.status().get("app.notifications-service.pid"));
      ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
      process.destroyForcibly();
      process.onExit().get();
      edge.stack.startApps();
      gone(edge, admin, receiver, "/second");
      ServerSentEvents.Stream resumed =
          ServerSentEvents.get(
              url, admin.token(), first.id(), e -> "notification".equals(e.name()));
      assertThat(resumed.named("ready").get(0).id()).isEqualTo(first.id());
      ServerSentEvents.Event second = resumed.named("notification").get(0);
      assertThat(second.json().get("body").asText()).contains("/second");
      assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(first.id()));
    }
  }
}
