package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The metrics the alert rules and the Grafana dashboards query are the metrics the five services
 * export: read from their {@code /q/metrics} on the platform, after the other edge tests put
 * traffic through it (this class runs after them, before MonitoringAcceptanceTest: {@link
 * ClassOrderer.OrderAnnotation}).
 */
@Order(Integer.MAX_VALUE - 1)
class MetricsAcceptanceTest {
  private static final List<String> SERVICES = io.smbcopilot.devstack.Names.SERVICES;
  private static final Set<String> FAMILIES =
      Set.of(
          "copilot",
          "search",
          "documents",
          "workflows",
          "notifications",
          "identity",
          "streams",
          "openapi",
          "other",
          "dashboard",
          "root",
          // Quarkus's own label for CORS preflights (a fixed value)
          "/cors-preflight");

  @Test
  void everyMetricThatARuleOrAPanelQueriesIsExportedByTheServiceItNames() throws Exception {
    Edge edge = Edge.get();
    // Traffic that this test makes, whatever ran before it: a sign-up (requests through the
    // gateway; its events consumed by the other services)
    Edge.User user = edge.signup("Metrics " + java.util.UUID.randomUUID());
    // and a request to each service behind the gateway
    for (String path :
        List.of("/api/v1/me", "/api/v1/documents", "/api/v1/workflows", "/api/v1/notifications")) {
      assertThat(edge.call("GET", path, user.token(), null).status()).as(path).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> edge.metric("notifications-service", "copilot_inbox_events_total") > 0);
    Map<String, Set<String>> exported = new HashMap<>();
    for (String service : SERVICES) {
      exported.put(service, names(scrape(edge, service)));
    }
    Set<String> everywhere = new HashSet<>();
    exported.values().forEach(everywhere::addAll);

    Path project = edge.stack.home().project();
    Map<String, String> queries = queries(project);
    assertThat(queries).hasSizeGreaterThan(10);
    // the recording rules' own names (their queries' keys are "record <name>")
    Set<String> recorded = new HashSet<>();
    queries.keySet().stream()
        .filter(k -> k.startsWith("record "))
        .forEach(k -> recorded.add(k.substring("record ".length())));
    List<String> missing = new ArrayList<>();
    Set<String> checked = new TreeSet<>();
    for (Map.Entry<String, String> query : queries.entrySet()) {
      for (Selector s : selectors(query.getValue())) {
        checked.add(s.name());
        if (s.name().equals("up") || recorded.contains(s.name())) {
          continue; // Prometheus's own, or a recording rule of the file
        }
        Set<String> in = s.job() == null ? everywhere : exported.get(s.job());
        assertThat(in).as("the job %s of %s", s.job(), query.getKey()).isNotNull();
        if (!in.contains(s.name())) {
          missing.add(query.getKey() + ": " + s.name() + (s.job() == null ? "" : " on " + s.job()));
        }
      }
    }
    assertThat(missing).as("queried but not exported").isEmpty();
    System.out.printf(
        "metrics: %d queries (rules and panels) name %d metrics, each exported: %s%n",
        queries.size(), checked.size(), checked);
  }

  /** The gateway proxies every path: its request metrics carry route families, never ids. */
  @Test
  void theGatewaysRequestMetricsCarryRouteFamiliesNotPaths() throws Exception {
    Edge edge = Edge.get();
    String metrics = scrape(edge, "api-gateway");
    Set<String> uris = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"")
            .matcher(metrics);
    while (m.find()) {
      uris.add(m.group(1));
    }
    assertThat(uris).isNotEmpty().isSubsetOf(FAMILIES);
    // counted against the latency objectives: a bucket at 1 s
    assertThat(metrics).containsPattern("http_server_requests_seconds_bucket\\{[^}]*le=\"1.0\"");
  }

  @Test
  void theSelectorsOfAnExpressionAreItsMetricsWithTheirJobs() {
    assertThat(
            selectors(
                "sum by (uri, job) (rate(http_server_requests_seconds_count{job=\"api-gateway\","
                    + "status=~\"5..\"}[5m])) / on(job) group_left max_over_time(up[1h]) > 14.4"
                    + " * 0.001 and copilot_outbox_lag_seconds offset 5m or"
                    + " histogram_quantile(0.95, sum by (le) (rate(x_bucket{job=~\"a|b\"}[$__rate_interval])))"))
        .containsExactly(
            new Selector("http_server_requests_seconds_count", "api-gateway"),
            new Selector("up", null),
            new Selector("copilot_outbox_lag_seconds", null),
            new Selector("x_bucket", null));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static String scrape(Edge edge, String service) throws Exception {
    HttpResponse<String> response =
        Edge.HTTP.send(
            HttpRequest.newBuilder(URI.create(edge.url(service) + "/q/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(service).isEqualTo(200);
    return response.body();
  }

  /** The names of the samples in a Prometheus text exposition. */
  static Set<String> names(String exposition) {
    Set<String> names = new HashSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** Every PromQL expression of the rule file and the dashboards, by where it is. */
  static Map<String, String> queries(Path project) throws Exception {
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    YAMLMapper yaml = new YAMLMapper();
    Path chart = project.resolve("deploy/helm/smb-copilot/files");
    for (JsonNode group :
        yaml.readTree(chart.resolve("prometheus/copilot-rules.yaml").toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String name =
            rule.has("alert")
                ? "alert " + rule.get("alert").asText()
                : "record " + rule.get("record").asText();
        queries.put(name, rule.get("expr").asText());
      }
    }
    Path dashboards = chart.resolve("grafana");
    if (Files.isDirectory(dashboards)) {
      try (Stream<Path> files = Files.list(dashboards)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          JsonNode dashboard = Edge.JSON.readTree(file.toFile());
          for (JsonNode panel : dashboard.path("panels")) {
            int i = 0;
            for (JsonNode target : panel.path("targets")) {
              queries.put(
                  file.getFileName() + " \"" + panel.path("title").asText() + "\" #" + i++,
                  target.path("expr").asText());
            }
          }
        }
      }
    }
    return queries;
  }

  record Selector(String name, String job) {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern JOB = Pattern.compile("job\\s*=\\s*\"([^\"]+)\"");

  /**
   * The metric selectors of a PromQL expression: each metric name with the job its matchers name
   * exactly ({@code job="api-gateway"}), if any. Strings, durations, label lists of by/without/on
   * and function calls are not metric names.
   */
  static List<Selector> selectors(String promql) {
    List<Selector> found = new ArrayList<>();
    // Grafana's variables stand for a duration or a label value
    String q = promql.replace("$__rate_interval", "5m").replace("$__range", "1h");
    q = q.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Matcher m =
        Pattern.compile(
                "([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?|\"[^\"]*\"|\\[[^\\]]*\\]|[0-9.]+[a-z]*")
            .matcher(q);
    Set<String> seen = new LinkedHashSet<>();
    while (m.find()) {
      String name = m.group(1);
      if (name == null || KEYWORDS.contains(name)) {
        continue;
      }
      int after = m.end();
      while (after < q.length() && Character.isWhitespace(q.charAt(after))) {
        after++;
      }
      if (m.group(2) == null && after < q.length() && q.charAt(after) == '(') {
        continue; // a function
      }
      String job = null;
      if (m.group(2) != null) {
        Matcher j = JOB.matcher(m.group(2));
        if (j.find()) {
          job = j.group(1);
        }
      }
      if (seen.add(name + "|" + job)) {
        found.add(new Selector(name, job));
      }
    }
    return found;
  }
}
