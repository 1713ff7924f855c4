package io.smbcopilot.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.devstack.DevStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The platform as an operator runs it: the five packaged services in JVM mode and the prod profile,
 * on the real PostgreSQL, Kafka, Keycloak and SMTP of the devstack, started by the same code as
 * {@code ./copilot up}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformAcceptanceTest {
  static final List<String> SERVICES = io.smbcopilot.devstack.Names.SERVICES;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DevStack stack;
  private static Map<String, String> state;

  @BeforeAll
  static void startPlatform() throws Exception {
    stack = DevStack.forTests(List.of("postgres", "kafka"));
    long started = System.nanoTime();
    state = stack.startApps();
    System.out.printf(
        "platform: five services ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @Test
  @Order(1)
  void allFiveServicesAreReadyOnLoopback() {
    for (String service : SERVICES) {
      assertThat(state.get("app." + service + ".status")).as(service).isEqualTo("running");
      assertThat(url(service)).startsWith("http://127.0.0.1:");
      assertThat(readiness(service)).as(service).isEqualTo(200);
    }
  }

  @Test
  @Order(2)
  void stoppingPostgresTakesEveryServiceDownAndItsReturnBringsThemBackWithoutARestart()
      throws Exception {
    Map<String, String> pids = pids();
    stack.stop("postgres");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> SERVICES.stream().allMatch(s -> readiness(s) == 503));
    } finally {
      stack.start("postgres");
    }
    long back = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> SERVICES.stream().allMatch(s -> readiness(s) == 200));
    System.out.printf(
        "platform: all ready again %.1f s after postgres returned%n",
        (System.nanoTime() - back) / 1e9);
    assertThat(pids()).as("the same processes").isEqualTo(pids);
  }

  @Test
  @Order(3)
  void theProdProfileLogsJson() throws IOException {
    for (String service : SERVICES) {
      List<String> lines =
          Files.readAllLines(Path.of(state.get("app." + service + ".log"))).stream()
              .filter(l -> !l.isBlank())
              .toList();
      assertThat(lines).as(service).isNotEmpty();
      List<String> notJson = new java.util.ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        JsonNode entry;
        try {
          entry = JSON.readTree(line);
        } catch (IOException e) {
          // Every offending line with its place and neighbour, so a failure says who printed it.
          notJson.add(
              "line %d: %.400s (after: %.200s)"
                  .formatted(i + 1, line, i == 0 ? "nothing" : lines.get(i - 1)));
          continue;
        }
        assertThat(entry.has("level") && entry.has("message") && entry.has("timestamp"))
            .as("%s: %s", service, line)
            .isTrue();
      }
      assertThat(notJson).as("%s prints lines that are not JSON", service).isEmpty();
      assertThat(lines).anyMatch(l -> l.contains(service) && l.contains("started in"));
    }
  }

  @Test
  @Order(4)
  void sigtermShutsAServiceDownGracefully() throws Exception {
    String service = "notifications-service";
    Path log = Path.of(state.get("app." + service + ".log"));
    long pid = Long.parseLong(state.get("app." + service + ".pid"));
    long started = System.nanoTime();
    stack.stopApp(service);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    String text = Files.readString(log);
    assertThat(text).as("Quarkus logs its orderly stop").contains(service).contains("stopped in");
    System.out.printf("platform: %s stopped gracefully in %.1f s%n", service, seconds);
    state = stack.startApps();
    assertThat(readiness(service)).isEqualTo(200);
  }

  @Test
  @Order(5)
  void withAnOtlpEndpointRequestsAreLoggedAsJsonWithTheirTraceAndSpanIds() throws Exception {
    Map<String, String> db = stack.provision("auth-service");
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path project = io.smbcopilot.devstack.StackHome.findProjectRoot(Path.of(""));
    Path log = Files.createTempFile("auth-service-traced", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                project
                    .resolve("services/auth-service/target/quarkus-app/quarkus-run.jar")
                    .toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    env.put("QUARKUS_DATASOURCE_USERNAME", db.get("username"));
    env.put("QUARKUS_DATASOURCE_PASSWORD", db.get("password"));
    env.put("QUARKUS_DATASOURCE_JDBC_URL", db.get("jdbc-url"));
    env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.get("reactive-url"));
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
    env.put("COPILOT_OUTBOX_RELAY_ENABLED", "false");
    // nothing listens there: spans are dropped, but tracing is on
    env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
    Process process = builder.start();
    try {
      String base = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> status(base + "/q/health/ready", null) == 200);
      String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      // no internal token: refused (401), and still logged with its trace
      assertThat(status(base + "/api/v1/traced-path", "00-" + traceId + "-00f067aa0ba902b7-01"))
          .isEqualTo(401);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(log).contains("/api/v1/traced-path"));
      JsonNode entry =
          Files.readAllLines(log).stream()
              .filter(l -> l.contains("/api/v1/traced-path"))
              .map(PlatformAcceptanceTest::json)
              .findFirst()
              .orElseThrow();
      assertThat(entry.path("mdc").path("traceId").asText()).isEqualTo(traceId);
      assertThat(entry.path("mdc").path("spanId").asText()).matches("[0-9a-f]{16}");
    } finally {
      process.destroy();
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      process.destroyForcibly();
    }
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static int status(String url, String traceparent) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
      if (traceparent != null) {
        request.header("traceparent", traceparent);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String url(String service) {
    return state.get("app." + service + ".url");
  }

  private static Map<String, String> pids() throws Exception {
    Map<String, String> status = stack.status();
    Map<String, String> pids = new LinkedHashMap<>();
    SERVICES.forEach(s -> pids.put(s, status.get("app." + s + ".pid")));
    return pids;
  }

  private static int readiness(String service) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url(service) + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
