package io.smbcopilot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chart's README: its parameter tables are what Bitnami's readme-generator-for-helm makes of
 * the {@code ## @param} comments of values.yaml (which also fails on a value without one), and it
 * has the sizing table.
 */
class ChartReadmeTest {
  private static final Path README = Path.of("smb-copilot/README.md");

  @Test
  void theParameterTablesAreTheGeneratorsFromValuesYaml() throws Exception {
    Path copy = Files.createTempFile("README", ".md");
    Files.copy(README, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Process process =
        new ProcessBuilder(
                "node",
                "node_modules/@bitnami/readme-generator-for-helm/bin/index.js",
                "--values",
                "smb-copilot/values.yaml",
                "--readme",
                copy.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(Files.readString(copy))
        .as("the README is up to date with values.yaml: run `npm run readme` in deploy/helm")
        .isEqualTo(Files.readString(README));
  }

  @Test
  void theReadmeDocumentsEveryServiceKeyAndTheSizes() throws Exception {
    String readme = Files.readString(README);
    assertThat(readme)
        .contains(
            "`services.api-gateway.extraEgress`",
            "`services.api-gateway.wiring.uses`",
            "`networkPolicy.egress.internet`",
            "`ingress.tls`",
            "`metrics.prometheusRule.enabled`")
        .containsPattern("\\| small +\\|")
        .containsPattern("\\| medium +\\|")
        .containsPattern("\\| large +\\|");
  }
}
