package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chart's realm import Job, as Helm renders it, run against the platform's Keycloak: it creates
 * the realm, updates it on the next run, and sets the service accounts' secrets from the operator's
 * Secret (what Terraform's platform module relies on). A realm of its own, deleted after, so the
 * platform's clients keep theirs.
 */
class RealmImportJobTest {
  @Test
  void theJobCreatesTheRealmUpdatesItAndSetsTheServiceAccountsSecrets() throws Exception {
    Edge edge = Edge.get();
    Path project = edge.stack.home().project();
    Path chart = project.resolve("deploy/helm/smb-copilot");
    Path values = Files.createTempFile("realm-import", ".yaml");
    Files.writeString(
        values,
        """
        postgresql: {host: db, existingSecret: db}
        kafka: {bootstrapServers: "kafka:9092"}
        keycloak:
          url: http://keycloak:8080
          existingSecret: smb-copilot-keycloak
          realmImport: {enabled: true, helmHook: false, adminSecret: keycloak-admin}
        """);
    String manifest = new Helm(chart).template().withName("copilot").withValuesFile(values).call();
    String script = null;
    for (String doc : manifest.split("(?m)^---\\s*$")) {
      JsonNode object = new YAMLMapper().readTree(doc);
      if (object != null && "Job".equals(object.path("kind").asText())) {
        JsonNode container = object.at("/spec/template/spec/containers/0");
        assertThat(container.get("env").toString())
            .contains(
                "CLIENT_SECRET_AUTH_SERVICE",
                "CLIENT_SECRET_WORKFLOW_WORKER",
                "smb-copilot-keycloak");
        script = container.at("/command/2").asText();
      }
    }
    assertThat(script).as("the Job's script").isNotNull().contains("set_secret auth-service");

    // the realm file under another name, where the Job mounts it
    String realm = "import-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createTempDirectory("realm-import");
    Files.writeString(
        dir.resolve("realm.json"),
        Files.readString(chart.resolve("files/copilot-realm.json"))
            .replace("\"realm\": \"copilot\"", "\"realm\": \"" + realm + "\""));
    // /tmp first: the folder may itself lie under /tmp (a checkout in /tmp puts Maven's temporary
    // folder there, and the realm file's path must not be rewritten)
    String local =
        script
            .replace("/tmp/", dir + "/")
            .replace("/realm/realm.json", dir.resolve("realm.json").toString());
    String authSecret = "auth-" + UUID.randomUUID();
    String workerSecret = "worker-" + UUID.randomUUID();
    try {
      Run created = run(edge, local, realm, authSecret, workerSecret);
      assertThat(created.exit()).as(created.output()).isZero();
      assertThat(created.output()).contains("creating realm " + realm);
      assertThat(created.output())
          .contains("client auth-service: its secret set from the Secret")
          .contains("client workflow-worker: its secret set from the Secret");
      assertThat(clientCredentials(edge, realm, "auth-service", authSecret)).isEqualTo(200);
      assertThat(clientCredentials(edge, realm, "workflow-worker", workerSecret)).isEqualTo(200);
      assertThat(clientCredentials(edge, realm, "auth-service", "wrong")).isEqualTo(401);

      // an upgrade: the realm exists, is updated, and a rotated secret takes
      String rotated = "auth-" + UUID.randomUUID();
      Run updated = run(edge, local, realm, rotated, "");
      assertThat(updated.exit()).as(updated.output()).isZero();
      assertThat(updated.output()).contains("realm " + realm + " exists: updating");
      assertThat(clientCredentials(edge, realm, "auth-service", rotated)).isEqualTo(200);
      assertThat(clientCredentials(edge, realm, "auth-service", authSecret)).isEqualTo(401);
      // no secret given: the client keeps its own
      assertThat(clientCredentials(edge, realm, "workflow-worker", workerSecret)).isEqualTo(200);
    } finally {
      Edge.send(
          "DELETE",
          edge.keycloak + "/admin/realms/" + realm,
          null,
          "Authorization",
          "Bearer " + edge.adminToken());
    }
  }

  record Run(int exit, String output) {}

  private static Run run(Edge edge, String script, String realm, String auth, String worker)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-ec", script).redirectErrorStream(true);
    builder.environment().put("KEYCLOAK_URL", edge.keycloak);
    builder.environment().put("REALM", realm);
    builder.environment().put("ADMIN_USER", "admin");
    builder.environment().put("ADMIN_PASSWORD", edge.adminPassword());
    builder.environment().put("CLIENT_SECRET_AUTH_SERVICE", auth);
    builder.environment().put("CLIENT_SECRET_WORKFLOW_WORKER", worker);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static int clientCredentials(Edge edge, String realm, String client, String secret)
      throws Exception {
    String form =
        "grant_type=client_credentials&client_id="
            + client
            + "&client_secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return Edge.HTTP
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        edge.keycloak + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
