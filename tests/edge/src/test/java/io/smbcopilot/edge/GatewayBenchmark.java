package io.smbcopilot.edge;

import io.smbcopilot.edge.Edge.User;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.smbcopilot.security.PrincipalType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway's cost, measured side by side in one run: the same small GET ({@code GET
 * /api/v1/roles/permissions}, answered by auth-service without a database call) sent directly to
 * the service with an internal token, through the gateway with a Keycloak token, and through the
 * gateway with an API key. Prints p50/p99 latency (one connection) and throughput (16 connections),
 * measured by {@code wrk} (Debian package {@code wrk}). Not a test: run with {@code -Pbench}.
 */
@Tag("bench")
class GatewayBenchmark {
  static final String PATH = "/api/v1/roles/permissions";
  static final int ROUNDS = 3;
  static final int CLIENTS = 16;
  static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);

  record Target(String name, String url, Supplier<String[]> headers) {}

  @Test
  void gatewayOverheadSideBySide() throws Exception {
    Edge edge = Edge.get();
    User owner = edge.signup("Bench Corp");
    edge.plan(owner.tenantId(), "unlimited");
    String key = edge.apiKey(owner, "\"members:manage\"");
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
        new ArrayList<>(
            List.of(
                new Target("direct to auth-service", edge.url("auth-service") + PATH, direct),
                new Target("gateway, Keycloak token", edge.gateway + PATH, () -> keycloak),
                new Target("gateway, API key", edge.gateway + PATH, () -> apiKey)));
    // -Dbench.baseline=<an older checkout, built>: its gateway runs beside this one, on the same
    // stack and settings, and is measured in the same rounds
    String baseline = System.getProperty("bench.baseline", "");
    if (!baseline.isBlank()) {
      Path jar =
          Path.of(baseline, "services", "api-gateway", "target", "quarkus-app", "quarkus-run.jar");
      String url =
          edge.stack
              .startReplica("api-gateway", "api-gateway-baseline", jar)
              .get("app.api-gateway-baseline.url");
      targets.add(new Target("baseline gateway, Keycloak", url + PATH, () -> keycloak));
      targets.add(new Target("baseline gateway, API key", url + PATH, () -> apiKey));
    }
    // the plan change reaches the gateway's principal caches: the unlimited plan has no RateLimit-*
    org.awaitility.Awaitility.await()
        .alias("the unlimited plan reaches the gateway")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                edge.call("GET", PATH, owner.token(), null).header("RateLimit-Limit") == null
                    && edge.call("GET", PATH, key, null).header("RateLimit-Limit") == null);
    for (Target t : targets) {
      check(t);
      wrk(t, 2, CLIENTS); // warm the JIT of every hop
    }
    // wrk (Debian package) drives the load: a C client adds far less of its own time than a JVM
    // client would, so the figures are the servers'. Rounds alternate the targets.
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (Target t : targets) {
        double[] sequential = wrk(t, 1, 1);
        double[] concurrent = wrk(t, 2, CLIENTS);
        runs.computeIfAbsent(t.name(), k -> new ArrayList<>())
            .add(new double[] {sequential[0], sequential[1], concurrent[2]});
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%nGateway benchmark (wrk; %d rounds; per round and target: %d s with one connection"
                + " for latency, %d s with %d connections for throughput; %d cores; medians of"
                + " the rounds)%n",
            ROUNDS,
            THROUGHPUT_WINDOW.toSeconds(),
            THROUGHPUT_WINDOW.toSeconds(),
            CLIENTS,
            Runtime.getRuntime().availableProcessors()));
    out.append(String.format("%-26s %10s %10s %14s%n", "target", "p50 ms", "p99 ms", "req/s"));
    Map<String, double[]> figures = new LinkedHashMap<>();
    for (Target t : targets) {
      List<double[]> r = runs.get(t.name());
      double[] f = {median(r, 0), median(r, 1), median(r, 2)};
      figures.put(t.name(), f);
      out.append(String.format("%-26s %10.3f %10.3f %14.0f%n", t.name(), f[0], f[1], f[2]));
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

  private static void check(Target t) {
    Edge.Response r = Edge.send("GET", t.url(), null, t.headers().get());
    if (r.status() != 200) {
      throw new IllegalStateException(t.name() + " answered " + r.status() + " " + r.body());
    }
  }

  /** Runs wrk; returns p50 ms, p99 ms, requests per second. Every answer must be a 200. */
  static double[] wrk(Target t, int threads, int connections) throws Exception {
    String[] headers = t.headers().get();
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + THROUGHPUT_WINDOW.toSeconds() + "s",
                "--latency",
                "-H",
                headers[0] + ": " + headers[1],
                t.url()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0 || output.contains("Non-2xx") || output.contains("Socket errors")) {
      throw new IllegalStateException(t.name() + ": wrk reported errors:\n" + output);
    }
    return new double[] {percentile(output, "50%"), percentile(output, "99%"), rate(output)};
  }

  private static double percentile(String output, String label) {
    Matcher m =
        Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no " + label + " in wrk output:\n" + output);
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }

  private static double rate(String output) {
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no rate in wrk output:\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double median(List<double[]> runs, int index) {
    double[] values = runs.stream().mapToDouble(r -> r[index]).sorted().toArray();
    return values[values.length / 2];
  }
}
