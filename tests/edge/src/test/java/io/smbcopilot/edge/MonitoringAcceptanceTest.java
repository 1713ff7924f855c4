package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./copilot up --monitoring} gives a developer: Debian's Prometheus scraping the five
 * services with the chart's alert rules, and an alert that goes pending when Kafka stops. Runs last
 * of the edge tests (it stops Kafka), and starts Kafka again.
 */
@Order(Integer.MAX_VALUE)
class MonitoringAcceptanceTest {
  @Test
  void prometheusScrapesTheServicesWithTheChartsRulesAndAnAlertFollowsKafkasStop()
      throws Exception {
    Edge edge = Edge.get();
    Map<String, String> state = edge.stack.start("prometheus");
    String prometheus = state.get("prometheus.url");
    assertThat(prometheus).startsWith("http://127.0.0.1:");

    // the five services, each up
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Set<String> up = new HashSet<>();
              for (JsonNode target : api(prometheus, "/api/v1/targets").at("/data/activeTargets")) {
                if ("up".equals(target.path("health").asText())) {
                  up.add(target.at("/labels/job").asText());
                }
              }
              assertThat(up)
                  .containsExactlyInAnyOrder(
                      "api-gateway",
                      "auth-service",
                      "ingestion-service",
                      "workflow-worker",
                      "notifications-service");
            });
    // the chart's rules, all of them, evaluated without errors
    Set<String> alerts = new HashSet<>();
    for (JsonNode group : api(prometheus, "/api/v1/rules").at("/data/groups")) {
      for (JsonNode rule : group.get("rules")) {
        assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isNotEqualTo("err");
        if ("alerting".equals(rule.path("type").asText())) {
          alerts.add(rule.get("name").asText());
        }
      }
    }
    assertThat(alerts)
        .contains("CopilotServiceDown", "CopilotOutboxLagGrowing", "CopilotDeadLetters");
    assertThat(firingOrPending(prometheus)).doesNotContain("CopilotOutboxLagGrowing");

    long stopped = System.nanoTime();
    edge.stack.stop("kafka");
    try {
      // an event committed while Kafka is away waits in the outbox, and gets older
      edge.signup("Monitoring " + UUID.randomUUID());
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> firingOrPending(prometheus).contains("CopilotOutboxLagGrowing"));
      System.out.printf(
          "monitoring: CopilotOutboxLagGrowing pending %.0f s after Kafka stopped%n",
          (System.nanoTime() - stopped) / 1e9);
    } finally {
      edge.stack.start("kafka");
    }
    long started = System.nanoTime();
    // Kafka back: the outbox drains and the alert ends
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> !firingOrPending(prometheus).contains("CopilotOutboxLagGrowing"));
    System.out.printf(
        "monitoring: CopilotOutboxLagGrowing over %.0f s after Kafka started%n",
        (System.nanoTime() - started) / 1e9);
  }

  private static Set<String> firingOrPending(String prometheus) {
    Set<String> names = new HashSet<>();
    for (JsonNode alert : api(prometheus, "/api/v1/alerts").at("/data/alerts")) {
      names.add(alert.at("/labels/alertname").asText());
    }
    return names;
  }

  private static JsonNode api(String prometheus, String path) {
    Edge.Response response = Edge.send("GET", prometheus + path, null);
    assertThat(response.status()).as(path).isEqualTo(200);
    return response.json();
  }
}
