package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web dashboard on the whole platform: its end-to-end suite ({@code apps/dashboard/e2e},
 * playwright-core driving Debian's Chromium) against this stack's gateway, Keycloak and GreenMail;
 * and the OpenAPI document its types are generated from, which must be the gateway's.
 */
class DashboardAcceptanceTest {
  private static final Pattern COUNT = Pattern.compile("ℹ (pass|fail) (\\d+)");

  @Test
  void theDashboardsJourneyPassesInChromiumOnThePlatform() throws Exception {
    Edge edge = Edge.get();
    Path dashboard = edge.stack.home().project().resolve("apps").resolve("dashboard");
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    assertThat(chromium).as("Debian's Chromium (.ci/run installs it)").isExecutable();
    assertThat(dashboard.resolve("node_modules").resolve("playwright-core"))
        .as("the dashboard's npm packages (its Maven build installs them)")
        .isDirectory();
    Path screenshots = Path.of("target", "dashboard-screenshots").toAbsolutePath();
    ProcessBuilder builder =
        new ProcessBuilder("node", "--test", "--test-reporter=spec", "e2e/")
            .directory(dashboard.toFile())
            .redirectErrorStream(true);
    builder.environment().put("DASHBOARD_URL", edge.gateway);
    builder.environment().put("MAIL_API", edge.state.get("smtp.api-url"));
    builder.environment().put("SCREENSHOTS", screenshots.toString());
    builder.environment().put("CHROMIUM", chromium.toString());
    builder.environment().put("E2E_PASSWORD", Edge.PASSWORD);
    Process node = builder.start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        System.out.println("e2e: " + line);
        output.append(line).append('\n');
      }
    }
    boolean ended = node.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      node.destroyForcibly();
    }
    assertThat(ended).as("the suite ended within 10 minutes").isTrue();
    assertThat(node.exitValue()).as(output.toString()).isZero();
    int passed = 0;
    int failed = -1;
    Matcher count = COUNT.matcher(output);
    while (count.find()) {
      if (count.group(1).equals("pass")) {
        passed = Integer.parseInt(count.group(2));
      } else {
        failed = Integer.parseInt(count.group(2));
      }
    }
    assertThat(failed).as("failed end-to-end tests").isZero();
    assertThat(passed).as("passed end-to-end tests").isGreaterThanOrEqualTo(22);
    List<String> shots;
    try (Stream<Path> files = Files.list(screenshots)) {
      shots = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(shots)
        .contains(
            "landing-375.png",
            "landing-1280.png",
            "keycloak-de-375.png",
            "signup-375.png",
            "home-375.png",
            "documents-375.png",
            "documents-1280.png",
            "ask-375.png",
            "ask-citation-375.png",
            "ask-abstained-1280.png",
            "search-375.png",
            "search-1280.png",
            "workflows-375.png",
            "workflows-1280.png",
            "workflow-invalid-375.png",
            "workflow-1280.png",
            "run-waiting-375.png",
            "run-waiting-1280.png",
            "run-375.png",
            "run-failed-375.png",
            "roles-375.png",
            "api-keys-375.png",
            "api-keys-1280.png",
            "webhooks-375.png",
            "webhook-375.png",
            "webhook-1280.png",
            "audit-375.png",
            "model-375.png",
            "usage-375.png",
            "usage-1280.png",
            "evaluations-375.png",
            "preferences-375.png",
            "notifications-375.png",
            "home-cards-375.png",
            "members-375.png",
            "members-1280.png",
            "accept-invitation-375.png",
            "forbidden-375.png");
  }

  @Test
  void theDashboardsTypesComeFromTheGatewaysOpenApiDocument() throws Exception {
    Edge edge = Edge.get();
    Path committed =
        edge.stack
            .home()
            .project()
            .resolve("apps/dashboard/openapi/copilot-api.json")
            .toAbsolutePath();
    JsonNode live = Edge.send("GET", edge.gateway + "/api/v1/openapi.json", null).json();
    assertThat(live.has("x-unavailable-services")).as("every service answered").isFalse();
    JsonNode snapshot = Edge.JSON.readTree(committed.toFile());
    if (!live.equals(snapshot)) {
      Path fresh = Path.of("target", "copilot-api.json").toAbsolutePath();
      Files.writeString(
          fresh, Edge.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(live) + "\n");
      throw new AssertionError(
          "The API changed: the dashboard's types would not match it. Review "
              + fresh
              + ", copy it to "
              + committed
              + " (apps/dashboard/README.md), and build: tsc fails where the UI no longer fits.");
    }
  }
}
