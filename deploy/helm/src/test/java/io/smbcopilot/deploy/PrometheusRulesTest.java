package io.smbcopilot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules, checked and unit-tested by Prometheus's own {@code promtool} (Debian's
 * {@code prometheus} package, which {@code .ci/run} installs), and every alert tested both ways and
 * explained in docs/operations.md.
 */
class PrometheusRulesTest {
  static final Path RULES = Path.of("smb-copilot/files/prometheus/copilot-rules.yaml");
  static final Path TESTS = Path.of("../monitoring/tests/copilot-rules-test.yaml");
  static final Path OPERATIONS = Path.of("../../docs/operations.md");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void promtoolAcceptsTheRuleFile() throws Exception {
    Result result = promtool("check", "rules", RULES.toString());
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + rules().size() + " rules found");
  }

  @Test
  void promtoolsUnitTestsOfEveryAlertPass() throws Exception {
    Result result = promtool("test", "rules", TESTS.toString());
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  /** Each alert fires in some test and is checked quiet in another. */
  @Test
  void everyAlertIsTestedFiringAndQuiet() throws Exception {
    Set<String> firing = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (JsonNode test : YAML.readTree(TESTS.toFile()).get("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        String name = check.get("alertname").asText();
        (check.path("exp_alerts").isEmpty() ? quiet : firing).add(name);
      }
    }
    List<String> alerts = alerts().stream().map(a -> a.get("alert").asText()).toList();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
    assertThat(firing).as("alerts tested firing").containsAll(alerts);
    assertThat(quiet).as("alerts tested quiet").containsAll(alerts);
  }

  /** The issue's list: each condition an operator must hear about has its alert. */
  @Test
  void theAlertsCoverWhatAnOperatorMustHearAbout() throws Exception {
    String all = String.join("\n", alerts().stream().map(a -> a.get("expr").asText()).toList());
    for (String metric :
        List.of(
            "up{", // a service down
            "copilot:api_errors:ratio_rate", // 5xx against the SLO's budget
            "copilot:api_slow:ratio_rate", // latency against the SLO
            "copilot_outbox_lag_seconds",
            "copilot_inbox_events_total{outcome=\"dead-lettered\"}",
            "kafka_consumer_fetch_manager_records_lag_max",
            "copilot_ingestion_documents_total",
            "copilot_webhook_attempts_total",
            "copilot_provider_calls_total",
            "copilot_budget_crossings_total")) {
      assertThat(all).as("an alert on %s", metric).contains(metric);
    }
  }

  /** Every alert says how bad it is and links its runbook, which docs/operations.md has. */
  @Test
  void everyAlertHasASeveritySummaryAndARunbookThatExists() throws Exception {
    Set<String> anchors = anchors(Files.readString(OPERATIONS));
    for (JsonNode alert : alerts()) {
      String name = alert.get("alert").asText();
      assertThat(alert.at("/labels/severity").asText())
          .as(name)
          .isIn("critical", "warning", "info");
      assertThat(alert.at("/annotations/summary").asText()).as(name).isNotBlank();
      assertThat(alert.at("/annotations/description").asText()).as(name).isNotBlank();
      assertThat(alert.at("/annotations/runbook").asText())
          .as(name)
          .isEqualTo("docs/operations.md#" + name.toLowerCase(Locale.ROOT));
      assertThat(anchors)
          .as("a heading for %s in docs/operations.md", name)
          .contains(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The Grafana dashboards: each with its own uid, a data-source variable, and panels whose queries
   * Prometheus parses (promtool checks them as recording rules, Grafana's interval variables
   * standing for a duration). That the metrics exist is tests/edge MetricsAcceptanceTest.
   */
  @Test
  void everyDashboardPanelHasAQueryPrometheusParses() throws Exception {
    Path dir = Path.of("smb-copilot/files/grafana");
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    // one per service, the event backbone, ingestion, the copilot, workflows, webhooks
    assertThat(files).hasSize(10);
    Set<String> uids = new HashSet<>();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int queries = 0;
    for (Path file : files) {
      JsonNode board = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
      assertThat(uids.add(board.get("uid").asText())).as("unique uid of %s", file).isTrue();
      assertThat(board.get("title").asText()).startsWith("SMB Copilot / ");
      assertThat(board.at("/templating/list/0/type").asText()).isEqualTo("datasource");
      assertThat(board.get("panels")).as("%s has panels", file).isNotEmpty();
      for (JsonNode panel : board.get("panels")) {
        assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
        assertThat(panel.get("targets")).as("%s %s", file, panel.get("title")).isNotEmpty();
        for (JsonNode target : panel.get("targets")) {
          String expr =
              target
                  .get("expr")
                  .asText()
                  .replace("$__rate_interval", "5m")
                  .replace("$__range", "1h");
          rules
              .append("      - record: dashboard_query_")
              .append(queries++)
              .append("\n        expr: ")
              .append(YAML.writeValueAsString(expr).replaceFirst("^---\\s*", "").trim())
              .append("\n");
        }
      }
    }
    Path file = Files.createTempFile("dashboard-queries", ".yaml");
    Files.writeString(file, rules);
    Result result = promtool("check", "rules", file.toString());
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + queries + " rules found");
  }

  // --- helpers ---------------------------------------------------------------------------------

  static List<JsonNode> rules() throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
      group.get("rules").forEach(rules::add);
    }
    return rules;
  }

  static List<JsonNode> alerts() throws IOException {
    return rules().stream().filter(r -> r.has("alert")).toList();
  }

  /** GitHub's anchors of the Markdown headings: lower case, spaces to dashes, punctuation gone. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^#+\\s+(.+)$").matcher(markdown);
    while (m.find()) {
      anchors.add(
          m.group(1)
              .trim()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^a-z0-9 _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }

  record Result(int exit, String output) {}

  static Result promtool(String... args) throws Exception {
    String promtool = which("promtool");
    List<String> command = new ArrayList<>(List.of(promtool));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static String which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        tool
            + " is not on the PATH: install Debian's prometheus package (apt-get install"
            + " prometheus), as .ci/run does");
  }
}
