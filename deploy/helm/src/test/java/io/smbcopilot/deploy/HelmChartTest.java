package io.smbcopilot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart, linted and rendered by Helm itself (helm-java), every object parsed strictly. */
class HelmChartTest {
  static final Path CHART = Path.of("smb-copilot");
  static final List<String> SERVICES =
      List.of(
          "api-gateway",
          "auth-service",
          "ingestion-service",
          "workflow-worker",
          "notifications-service");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.getMessages())
        .as("lint messages")
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "values.yaml",
        "ci/minimal-values.yaml",
        "ci/production-values.yaml",
        "ci/rendered-manifests-values.yaml"
      })
  void rendersEveryScenarioIntoValidHardenedObjects(String values) {
    List<HasMetadata> objects = render(values);

    for (String service : SERVICES) {
      String name = "copilot-smb-copilot-" + service;
      Deployment deployment = find(objects, Deployment.class, name);
      find(objects, Service.class, name);
      find(objects, ServiceAccount.class, name);
      ConfigMap config = find(objects, ConfigMap.class, name);

      assertThat(deployment.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/name", service)
          .containsEntry("app.kubernetes.io/instance", "copilot")
          .containsKey("app.kubernetes.io/version")
          .containsKey("helm.sh/chart");
      var pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      Container container = pod.getContainers().get(0);
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
      assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(container.getImage()).contains("smb-copilot/" + service + ":");
      assertThat(container.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("QUARKUS_DATASOURCE_PASSWORD");
                assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                    .isEqualTo(service + "-password");
              });
      assertThat(config.getData())
          .containsEntry("QUARKUS_DATASOURCE_USERNAME", service.replace('-', '_'))
          .containsKey("QUARKUS_DATASOURCE_JDBC_URL");
    }
  }

  @Test
  void productionScenarioUsesTheRegistryQdrantTracingAndAutoscaling() {
    List<HasMetadata> objects = render("ci/production-values.yaml");
    Deployment gateway = find(objects, Deployment.class, "copilot-smb-copilot-api-gateway");
    assertThat(gateway.getSpec().getReplicas()).as("autoscaled: no fixed replicas").isNull();
    assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/smb-copilot/api-gateway:0.1.0");
    HorizontalPodAutoscaler hpa =
        find(objects, HorizontalPodAutoscaler.class, "copilot-smb-copilot-api-gateway");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
    ConfigMap ingestion = find(objects, ConfigMap.class, "copilot-smb-copilot-ingestion-service");
    assertThat(ingestion.getData())
        .containsEntry("COPILOT_INGESTION_QDRANT_HOST", "qdrant.vectors.svc.cluster.local")
        .containsEntry(
            "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://otel-collector.observability.svc.cluster.local:4317");
    Deployment ingestionPods =
        find(objects, Deployment.class, "copilot-smb-copilot-ingestion-service");
    var ingestionContainer = ingestionPods.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(ingestion.getData())
        // topics created at start replicated across the brokers
        .containsEntry("COPILOT_OUTBOX_TOPIC_REPLICATION_FACTOR", "3")
        .containsEntry("COPILOT_OUTBOX_TOPIC_PARTITIONS", "6")
        .containsEntry("COPILOT_INGESTION_INDEX_PATH", "/var/lib/copilot/index")
        // The tokenizer's native library goes to the writable /tmp: the root file system is
        // read-only.
        .containsEntry("DJL_CACHE_DIR", "/tmp/djl");
    assertThat(ingestionContainer.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("COPILOT_INGESTION_QDRANT_API_KEY")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("smb-copilot-qdrant"));
    assertThat(ingestionContainer.getVolumeMounts())
        .anyMatch(
            m -> m.getName().equals("data") && m.getMountPath().equals("/var/lib/copilot/index"));
    Deployment auth = find(objects, Deployment.class, "copilot-smb-copilot-auth-service");
    assertThat(auth.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName())
        .contains("KAFKA_SASL_JAAS_CONFIG", "COPILOT_KEYCLOAK_ADMIN_CLIENT_SECRET");
    ConfigMap gatewayConfig = find(objects, ConfigMap.class, "copilot-smb-copilot-api-gateway");
    assertThat(gatewayConfig.getData())
        .containsEntry("COPILOT_GATEWAY_TOKEN_ISSUER", "https://id.example.com/realms/copilot")
        .containsEntry("QUARKUS_HTTP_CORS_ORIGINS", "https://app.example.com");
    // The copilot's default provider (an in-cluster Ollama, allowed for tenants too) and the key
    // that encrypts tenants' provider keys, from the secret.
    var worker =
        find(objects, Deployment.class, "copilot-smb-copilot-workflow-worker")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(find(objects, ConfigMap.class, "copilot-smb-copilot-workflow-worker").getData())
        .containsEntry("COPILOT_ANSWERER_PROVIDER", "openai")
        .containsEntry("COPILOT_ANSWERER_ALLOWED_HOSTS", "ollama.models.svc.cluster.local");
    assertThat(worker)
        .anyMatch(
            e ->
                e.getName().equals("COPILOT_SECRETS_ENCRYPTION_KEY")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("smb-copilot-copilot")
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("encryption-key"))
        // a rotation's old keys, when the secret holds them
        .anyMatch(
            e ->
                e.getName().equals("COPILOT_SECRETS_PREVIOUS_ENCRYPTION_KEYS")
                    && e.getValueFrom()
                        .getSecretKeyRef()
                        .getKey()
                        .equals("previous-encryption-keys")
                    && e.getValueFrom().getSecretKeyRef().getOptional());
    // webhook signing secrets are encrypted with the same key
    assertThat(
            find(objects, Deployment.class, "copilot-smb-copilot-notifications-service")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(
            e ->
                e.getName().equals("COPILOT_SECRETS_ENCRYPTION_KEY")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("smb-copilot-copilot")
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("encryption-key"));
    // mail: the SMTP server, the sender and the public address from values, the login from a
    // secret;
    // auth-service seals invitation tokens with the deployment key
    ConfigMap notifications =
        find(objects, ConfigMap.class, "copilot-smb-copilot-notifications-service");
    assertThat(notifications.getData())
        .containsEntry("QUARKUS_MAILER_HOST", "smtp.example.com")
        .containsEntry("QUARKUS_MAILER_PORT", "587")
        .containsEntry("QUARKUS_MAILER_START_TLS", "REQUIRED")
        .containsEntry("QUARKUS_MAILER_FROM", "Acme Copilot <copilot@example.com>")
        .containsEntry("COPILOT_PUBLIC_URL", "https://app.example.com")
        .doesNotContainKey("COPILOT_MAIL_WORKERS");
    assertThat(
            find(objects, Deployment.class, "copilot-smb-copilot-notifications-service")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(
            e ->
                e.getName().equals("QUARKUS_MAILER_PASSWORD")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("smb-copilot-smtp")
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("password"));
    assertThat(notifications.getData()).containsEntry("QUARKUS_MAILER_LOGIN", "REQUIRED");
    assertThat(auth.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("COPILOT_SECRETS_ENCRYPTION_KEY")
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("encryption-key"));
    assertThat(find(objects, ConfigMap.class, "copilot-smb-copilot-auth-service").getData())
        .doesNotContainKey("QUARKUS_MAILER_HOST");
    // helm-java's template leaves Helm hooks out, so the hook form is not in this manifest.
    assertThat(objects)
        .noneMatch(o -> o.getKind().equals("Job"))
        .noneMatch(
            o -> o.getKind().equals("ConfigMap") && o.getMetadata().getName().contains("realm"));
  }

  @Test
  void theRealmImportJobCarriesTheRealmAndRunsHardened() {
    List<HasMetadata> objects = render("ci/rendered-manifests-values.yaml");
    io.fabric8.kubernetes.api.model.batch.v1.Job job =
        find(
            objects,
            io.fabric8.kubernetes.api.model.batch.v1.Job.class,
            "copilot-smb-copilot-realm-import-1");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ADMIN_PASSWORD");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("keycloak-admin");
            });
    assertThat(String.join("\n", container.getCommand())).contains("partialImport");
    ConfigMap realmFile = find(objects, ConfigMap.class, "copilot-smb-copilot-realm-import");
    assertThat(realmFile.getData().get("realm.json")).contains("\"realm\": \"copilot\"");
  }

  /**
   * The backup CronJob, on in production: one run at a time, bounded, a dump of each database with
   * the role of backup.databaseSecret, then the upload with the pod's identity; its scripts are the
   * chart's files and parse as shell. Off by default, and refused without a destination.
   */
  @Test
  void theBackupCronJobDumpsEachDatabaseThenUploadsAndIsOffByDefault() throws Exception {
    assertThat(render("values.yaml")).noneMatch(o -> o.getKind().equals("CronJob"));

    List<HasMetadata> objects = render("ci/production-values.yaml");
    CronJob cron = find(objects, CronJob.class, "copilot-smb-copilot-backup");
    assertThat(cron.getSpec().getSchedule()).isEqualTo("17 2 * * *");
    assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(cron.getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds())
        .isEqualTo(10800L);
    var pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("copilot-smb-copilot-backup");
    assertThat(
            find(objects, ServiceAccount.class, "copilot-smb-copilot-backup")
                .getMetadata()
                .getAnnotations())
        .containsEntry(
            "eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/copilot-backup");
    Container dump = pod.getInitContainers().get(0);
    assertThat(dump.getCommand()).containsExactly("/bin/sh", "/scripts/dump.sh");
    assertThat(dump.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("DATABASES");
              assertThat(e.getValue()).isEqualTo("copilot keycloak");
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("PGHOST");
              assertThat(e.getValue()).isEqualTo("copilot-db.example.internal");
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("PGPASSWORD");
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("smb-copilot-backup-db");
            });
    Container upload = pod.getContainers().get(0);
    assertThat(upload.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("DESTINATION");
              assertThat(e.getValue()).isEqualTo("s3://acme-copilot-backups/production");
            })
        .noneMatch(e -> e.getName().equals("AWS_SECRET_ACCESS_KEY"));
    ConfigMap scripts = find(objects, ConfigMap.class, "copilot-smb-copilot-backup");
    for (String script : List.of("dump.sh", "upload.sh")) {
      String text = scripts.getData().get(script);
      assertThat(text + "\n").isEqualTo(Files.readString(CHART.resolve("files/backup/" + script)));
      Process sh = new ProcessBuilder("sh", "-n").redirectErrorStream(true).start();
      sh.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sh.getOutputStream().close();
      String out = new String(sh.getInputStream().readAllBytes());
      assertThat(sh.waitFor()).as("%s parses: %s", script, out).isZero();
    }

    Path noDestination = Files.createTempFile("backup-values", ".yaml");
    Files.writeString(noDestination, "backup:\n  enabled: true\n");
    assertThatThrownBy(
            () ->
                new Helm(CHART).template().withName("copilot").withValuesFile(noDestination).call())
        .hasMessageContaining("backup.destination is required")
        .hasMessageContaining("backup.databaseSecret is required");
  }

  @Test
  void theChartCarriesTheSameRealmAsDeployKeycloak() throws Exception {
    assertThat(CHART.resolve("files/copilot-realm.json"))
        .hasSameTextualContentAs(CHART.resolve("../../keycloak/copilot-realm.json"));
  }

  @Test
  void minimalScenarioHasNoTracingAndNoAutoscaler() {
    List<HasMetadata> objects = render("ci/minimal-values.yaml");
    assertThat(objects).noneMatch(o -> o instanceof HorizontalPodAutoscaler);
    ConfigMap gateway = find(objects, ConfigMap.class, "copilot-smb-copilot-api-gateway");
    assertThat(gateway.getData())
        .doesNotContainKey("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT")
        .doesNotContainKey("KAFKA_BOOTSTRAP_SERVERS")
        .doesNotContainKey("COPILOT_GATEWAY_TOKEN_ISSUER");
    assertThat(objects).noneMatch(o -> o.getKind().equals("Job"));
    // no SMTP server named: mail waits in the queue rather than failing against localhost
    assertThat(
            find(objects, ConfigMap.class, "copilot-smb-copilot-notifications-service").getData())
        .containsEntry("COPILOT_MAIL_WORKERS", "0")
        .doesNotContainKey("QUARKUS_MAILER_HOST");
  }

  @Test
  void aBrokenValueSetFailsWithAClearMessage() throws Exception {
    Path broken = Files.createTempFile("broken-values", ".yaml");
    Files.writeString(broken, "postgresql:\n  host: \"\"\nqdrant:\n  enabled: true\n");
    assertThatThrownBy(
            () -> new Helm(CHART).template().withName("copilot").withValuesFile(broken).call())
        .hasMessageContaining("postgresql.host is required")
        .hasMessageContaining("qdrant.host is required");
  }

  @Test
  void theSchemaRejectsAValueOfTheWrongType() throws Exception {
    Path wrong = Files.createTempFile("wrong-values", ".yaml");
    Files.writeString(wrong, "services:\n  auth-service:\n    replicaCount: many\n");
    assertThatThrownBy(
            () -> new Helm(CHART).template().withName("copilot").withValuesFile(wrong).call())
        .hasMessageContaining("replicaCount");
  }

  @Test
  void theStrictParserCatchesAnUnknownField() {
    String yaml =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 1\n  replicaz: 2\n";
    assertThatThrownBy(() -> strictParse(yaml)).hasMessageContaining("replicaz");
  }

  // --- helpers ---------------------------------------------------------------------------------

  static List<HasMetadata> render(String values) {
    String manifest =
        new Helm(CHART)
            .template()
            .withName("copilot")
            .withNamespace("copilot")
            .withValuesFile(CHART.resolve(values))
            .call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : manifest.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(strictParse(doc));
      }
    }
    assertThat(objects).hasSizeGreaterThanOrEqualTo(SERVICES.size() * 4);
    return objects;
  }

  /** Parses with the fabric8 model and fails on any field the model does not know. */
  static HasMetadata strictParse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (!(parsed instanceof HasMetadata object)) {
      throw new AssertionError("not a Kubernetes object:\n" + yaml);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknown(
        object,
        object.getKind(),
        unknown,
        java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    if (!unknown.isEmpty()) {
      throw new AssertionError(
          "unknown fields "
              + unknown
              + " in "
              + object.getKind()
              + " "
              + object.getMetadata().getName());
    }
    return object;
  }

  private static void collectUnknown(
      Object node, String path, List<String> unknown, Set<Object> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        collectUnknown(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown, seen));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      try {
        Object value = m.invoke(node);
        if (m.getName().equals("getAdditionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            unknown.addAll(
                extra.keySet().stream().map(k -> path + "." + k).collect(Collectors.toList()));
          }
        } else {
          collectUnknown(value, path + "." + m.getName().substring(3), unknown, seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
  }
}
