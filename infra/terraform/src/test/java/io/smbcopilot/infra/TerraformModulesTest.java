package io.smbcopilot.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Terraform modules and examples, read by HashiCorp's own HCL parser (tools/hcl2json.mjs):
 * every file parses, every module has the standard layout, every variable a type and a description,
 * every output a description, every README exactly the module's inputs and outputs, and every
 * provider a lower bound. {@code terraform fmt}, {@code validate} and {@code tflint} run in the
 * GitHub workflow, where the binary is.
 */
class TerraformModulesTest {
  static final List<String> MODULES =
      List.of(
          "modules/network",
          "modules/eks",
          "modules/postgres",
          "modules/kafka",
          "modules/platform",
          "examples/aws-minimal",
          "examples/aws-production");
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<String> modules() {
    return MODULES;
  }

  private static JsonNode parsed;

  @BeforeAll
  static void parseEveryFile() throws Exception {
    List<String> files = new ArrayList<>();
    for (String module : MODULES) {
      try (Stream<Path> list = Files.list(Path.of(module))) {
        list.filter(f -> f.toString().endsWith(".tf"))
            .sorted()
            .forEach(f -> files.add(f.toString()));
      }
    }
    parsed = hcl2json(files);
  }

  @Test
  void everyFileParsesWithHashiCorpsParser() {
    assertThat(parsed.get("errors").properties()).as("parse errors").isEmpty();
    assertThat(parsed.get("files").size()).isEqualTo(MODULES.size() * 4);
  }

  /** The parser does refuse what Terraform refuses. */
  @Test
  void aBrokenFileIsAnError() throws Exception {
    Path broken = Files.createTempFile("broken", ".tf");
    Files.writeString(broken, "variable \"x\" {\n  type = list(string\n}\n");
    JsonNode result = hcl2json(List.of(broken.toString()));
    assertThat(result.get("errors").get(broken.toString()).asText())
        .contains(broken.getFileName().toString());
  }

  @ParameterizedTest
  @MethodSource("modules")
  void theModuleHasTheStandardLayoutTypedDescribedAndDocumented(String module) throws Exception {
    for (String file :
        List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")) {
      assertThat(Path.of(module, file)).as("%s/%s", module, file).isRegularFile();
    }
    JsonNode variables = file(module, "variables.tf").path("variable");
    JsonNode outputs = file(module, "outputs.tf").path("output");
    assertThat(variables.size()).as("variables of %s", module).isPositive();
    assertThat(outputs.size()).as("outputs of %s", module).isPositive();
    for (var v : variables.properties()) {
      JsonNode block = v.getValue().get(0);
      assertThat(block.path("description").asText())
          .as("description of var.%s", v.getKey())
          .isNotBlank();
      assertThat(block.path("type").asText()).as("type of var.%s", v.getKey()).startsWith("${");
    }
    for (var o : outputs.properties()) {
      assertThat(o.getValue().get(0).path("description").asText())
          .as("description of output %s", o.getKey())
          .isNotBlank();
    }
    // variables and outputs live in their own files only
    for (String file : List.of("main.tf", "versions.tf")) {
      assertThat(file(module, file).has("variable"))
          .as("variables in %s/%s", module, file)
          .isFalse();
      assertThat(file(module, file).has("output")).as("outputs in %s/%s", module, file).isFalse();
    }

    String readme = Files.readString(Path.of(module, "README.md"));
    assertThat(table(readme, "Inputs")).as("%s README inputs", module).isEqualTo(names(variables));
    assertThat(table(readme, "Outputs")).as("%s README outputs", module).isEqualTo(names(outputs));
  }

  /** Providers pinned with a lower bound, Terraform too. */
  @ParameterizedTest
  @MethodSource("modules")
  void providersArePinnedWithALowerBound(String module) throws Exception {
    JsonNode terraform = file(module, "versions.tf").get("terraform").get(0);
    assertThat(terraform.path("required_version").asText()).startsWith(">=");
    JsonNode providers = terraform.get("required_providers").get(0);
    assertThat(providers.size()).isPositive();
    for (var p : providers.properties()) {
      assertThat(p.getValue().path("source").asText()).as(p.getKey()).startsWith("hashicorp/");
      assertThat(p.getValue().path("version").asText())
          .as("version of %s in %s", p.getKey(), module)
          .matches("(>=|~>) ?[0-9].*");
    }
    // and every provider a resource of the module's own files uses is required
    Set<String> used = new TreeSet<>();
    for (String file : List.of("main.tf")) {
      JsonNode main = file(module, file);
      for (String kind : List.of("resource", "data")) {
        main.path(kind).fieldNames().forEachRemaining(type -> used.add(type.split("_")[0]));
      }
    }
    assertThat(names(providers)).as("required providers of %s", module).containsAll(used);
  }

  /** Each example is one `terraform apply`: it uses every module, from this repository. */
  @ParameterizedTest
  @ValueSource(strings = {"examples/aws-minimal", "examples/aws-production"})
  void anExampleWiresEveryModule(String example) {
    JsonNode modules = file(example, "main.tf").get("module");
    Set<String> sources = new TreeSet<>();
    modules.properties().forEach(m -> sources.add(m.getValue().get(0).get("source").asText()));
    assertThat(sources)
        .containsExactlyInAnyOrder(
            "../../modules/network",
            "../../modules/eks",
            "../../modules/postgres",
            "../../modules/kafka",
            "../../modules/platform");
    // the platform's inputs come from the other modules' outputs
    String platform = modules.get("platform").get(0).toString();
    assertThat(platform)
        .contains(
            "module.postgres.host",
            "module.kafka.bootstrap_servers",
            "module.network.data_subnet_cidr_blocks");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static JsonNode file(String module, String name) {
    JsonNode file = parsed.get("files").get(Path.of(module, name).toString());
    assertThat(file).as("%s/%s parsed", module, name).isNotNull();
    return file;
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The backticked names in the first column of the table under "## <heading>". */
  static Set<String> table(String markdown, String heading) {
    int start = markdown.indexOf("## " + heading);
    assertThat(start).as("a section %s", heading).isNotNegative();
    int end = markdown.indexOf("\n## ", start + 3);
    String section = markdown.substring(start, end < 0 ? markdown.length() : end);
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(section);
    while (m.find()) {
      names.add(m.group(1));
    }
    return new TreeSet<>(names);
  }

  static JsonNode hcl2json(List<String> files) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "tools/hcl2json.mjs"));
    command.addAll(files);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("node tools/hcl2json.mjs").isZero();
    return JSON.readTree(new String(out, StandardCharsets.UTF_8));
  }
}
