package io.smbcopilot.edge;

import io.smbcopilot.edge.Edge.User;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.smbcopilot.security.PrincipalType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway's cost, measured side by side in one run: the same small GET ({@code GET
 * /api/v1/roles/permissions}, answered by auth-service without a database call) sent directly to
 * the service with an internal token, through the gateway with a Keycloak token, and through the
 * gateway with an API key. Prints p50/p99 latency (one request at a time) and throughput (16
 * concurrent clients). Not a test: run with {@code -Pbench}.
 */
@Tag("bench")
class GatewayBenchmark {
  static final String PATH = "/api/v1/roles/permissions";
  static final int ROUNDS = 3;
  static final int LATENCY_REQUESTS = 2000;
  static final int WARMUP = 1500;
  static final int CLIENTS = 16;
  static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);

  record Target(String name, String url, Supplier<String[]> headers) {}

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();

  @Test
  void gatewayOverheadSideBySide() throws Exception {
    Edge edge = Edge.get();
    User owner = edge.signup("Bench Corp");
    edge.plan(owner.tenantId(), "unlimited");
    String key =
        edge.call(
                "POST",
                "/api/v1/api-keys",
                owner.token(),
                "{\"name\":\"bench\",\"scopes\":[\"members:manage\"]}")
            .json()
            .get("secret")
            .asText();
    InternalTokenSigner signer = edge.registeredSigner();
    AtomicLong signedAt = new AtomicLong();
    String[] internal = new String[1];
    Supplier<String[]> direct =
        () -> {
          long now = System.nanoTime();
          if (now - signedAt.get() > Duration.ofSeconds(30).toNanos()) {
            internal[0] =
                signer.sign(
                    new InternalToken(
                        owner.tenantId(),
                        owner.userId(),
                        PrincipalType.USER,
                        List.of("owner"),
                        List.copyOf(EdgeAcceptanceTest.ROLES.get("owner")),
                        List.of(),
                        "bench",
                        "127.0.0.1",
                        "unlimited"));
            signedAt.set(now);
          }
          return new String[] {"Authorization", "Bearer " + internal[0]};
        };
    String[] keycloak = {"Authorization", "Bearer " + owner.token()};
    String[] apiKey = {"X-API-Key", key};
    List<Target> targets =
        List.of(
            new Target("direct to auth-service", edge.url("auth-service") + PATH, direct),
            new Target("gateway, Keycloak token", edge.gateway + PATH, () -> keycloak),
            new Target("gateway, API key", edge.gateway + PATH, () -> apiKey));
    Thread.sleep(3500); // the plan change reaches the gateway
    for (Target t : targets) {
      check(t);
      for (int i = 0; i < WARMUP; i++) {
        get(t);
      }
    }
    Map<String, List<Long>> latencies = new LinkedHashMap<>();
    Map<String, List<Double>> throughputs = new LinkedHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (Target t : targets) {
        List<Long> samples = latencies.computeIfAbsent(t.name(), k -> new ArrayList<>());
        for (int i = 0; i < LATENCY_REQUESTS; i++) {
          long start = System.nanoTime();
          get(t);
          samples.add(System.nanoTime() - start);
        }
      }
      for (Target t : targets) {
        throughputs.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(throughput(t));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%nGateway benchmark (%d rounds, %d sequential requests and %d clients x %d s per round"
                + " and target; %d cores)%n",
            ROUNDS,
            LATENCY_REQUESTS,
            CLIENTS,
            THROUGHPUT_WINDOW.toSeconds(),
            Runtime.getRuntime().availableProcessors()));
    out.append(String.format("%-26s %10s %10s %14s%n", "target", "p50 ms", "p99 ms", "req/s"));
    Map<String, double[]> figures = new LinkedHashMap<>();
    for (Target t : targets) {
      long[] sorted =
          latencies.get(t.name()).stream().mapToLong(Long::longValue).sorted().toArray();
      double p50 = sorted[sorted.length / 2] / 1e6;
      double p99 = sorted[(int) (sorted.length * 0.99)] / 1e6;
      double rps =
          throughputs.get(t.name()).stream().mapToDouble(Double::doubleValue).average().orElse(0);
      figures.put(t.name(), new double[] {p50, p99, rps});
      out.append(String.format("%-26s %10.3f %10.3f %14.0f%n", t.name(), p50, p99, rps));
    }
    double[] base = figures.get("direct to auth-service");
    for (Target t : targets.subList(1, targets.size())) {
      double[] f = figures.get(t.name());
      out.append(
          String.format(
              "%-26s adds %.3f ms at p50 (target <= 1 ms), keeps %.0f%% of direct throughput"
                  + " (target >= 50%%)%n",
              t.name(), f[0] - base[0], 100 * f[2] / base[2]));
    }
    System.out.print(out);
    Path report = Path.of("target", "gateway-benchmark.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, out.toString());
  }

  private void check(Target t) throws Exception {
    HttpResponse<String> r = send(t);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(t.name() + " answered " + r.statusCode() + " " + r.body());
    }
  }

  private HttpResponse<String> send(Target t) throws Exception {
    String[] headers = t.headers().get();
    return http.send(
        HttpRequest.newBuilder(URI.create(t.url())).headers(headers).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void get(Target t) throws Exception {
    HttpResponse<String> r = send(t);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(t.name() + " answered " + r.statusCode());
    }
  }

  private double throughput(Target t) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + THROUGHPUT_WINDOW.toNanos();
    long start = System.nanoTime();
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  get(t);
                  done.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> client : clients) {
      client.get();
    }
    pool.shutdown();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  static String describe(long[] values) {
    return Arrays.toString(values);
  }
}
