package io.smbcopilot.deploy;

import static io.smbcopilot.deploy.HelmChartTest.CHART;
import static io.smbcopilot.deploy.HelmChartTest.SERVICES;
import static io.smbcopilot.deploy.HelmChartTest.find;
import static io.smbcopilot.deploy.HelmChartTest.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an operator relies on in production: every workload probed, bounded, hardened, spread and
 * covered by a NetworkPolicy; disruption budgets; the network flows of the architecture, exactly;
 * the Ingress, persistence, monitoring objects; templates without a case for one service.
 */
class ChartOperationsTest {
  private static final String PREFIX = "copilot-smb-copilot-";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "values.yaml",
        "ci/minimal-values.yaml",
        "ci/production-values.yaml",
        "ci/rendered-manifests-values.yaml"
      })
  void everyWorkloadIsProbedBoundedHardenedAndCoveredByANetworkPolicy(String values) {
    List<HasMetadata> objects = render(values);
    List<NetworkPolicy> policies = of(objects, NetworkPolicy.class);
    List<HasMetadata> workloads =
        objects.stream()
            .filter(o -> o instanceof Deployment || o instanceof Job || o instanceof CronJob)
            .toList();
    assertThat(workloads).hasSizeGreaterThanOrEqualTo(SERVICES.size());
    NetworkPolicy deny = find(objects, NetworkPolicy.class, "copilot-smb-copilot-default-deny");
    assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(deny.getSpec().getIngress()).isEmpty();
    assertThat(deny.getSpec().getEgress()).isEmpty();

    for (HasMetadata workload : workloads) {
      PodTemplateSpec template =
          switch (workload) {
            case Deployment d -> d.getSpec().getTemplate();
            case Job j -> j.getSpec().getTemplate();
            case CronJob c -> c.getSpec().getJobTemplate().getSpec().getTemplate();
            default -> throw new AssertionError(workload);
          };
      String what = workload.getKind() + " " + workload.getMetadata().getName();
      PodSpec pod = template.getSpec();
      Map<String, String> labels = template.getMetadata().getLabels();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .as(what)
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getAutomountServiceAccountToken()).as(what).isFalse();
      if (!(workload instanceof Deployment)) {
        JobSpec job =
            workload instanceof Job j
                ? j.getSpec()
                : ((CronJob) workload).getSpec().getJobTemplate().getSpec();
        assertThat(job.getBackoffLimit()).as("%s gives up", what).isNotNull();
      }
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      for (Container c : containers) {
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop())
            .as(what)
            .containsExactly("ALL");
        assertThat(c.getResources().getRequests()).as(what).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(what).containsKey("memory");
        if (workload instanceof Deployment) {
          assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
          assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
          assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        }
      }
      assertThat(policies)
          .as("%s is selected by the default deny and by a policy of its own", what)
          .anyMatch(p -> p != deny && selects(p.getSpec().getPodSelector(), labels))
          .anyMatch(p -> p == deny && selects(p.getSpec().getPodSelector(), labels));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"values.yaml", "ci/minimal-values.yaml", "ci/production-values.yaml"})
  void aServiceWithMoreThanOneReplicaHasADisruptionBudget(String values) {
    List<HasMetadata> objects = render(values);
    int budgets = 0;
    for (Deployment d : of(objects, Deployment.class)) {
      String name = d.getMetadata().getName();
      int replicas =
          d.getSpec().getReplicas() != null
              ? d.getSpec().getReplicas()
              : find(objects, HorizontalPodAutoscaler.class, name).getSpec().getMinReplicas();
      List<PodDisruptionBudget> pdbs =
          of(objects, PodDisruptionBudget.class).stream()
              .filter(p -> p.getMetadata().getName().equals(name))
              .toList();
      if (replicas > 1) {
        assertThat(pdbs).as("a PDB for %s (%d replicas)", name, replicas).hasSize(1);
        assertThat(pdbs.get(0).getSpec().getSelector().getMatchLabels())
            .isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(pdbs.get(0).getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        budgets++;
      } else {
        assertThat(pdbs)
            .as("no PDB for %s (one replica: it would block every drain)", name)
            .isEmpty();
      }
    }
    // the gateway runs two replicas everywhere; production also runs two of auth and ingestion
    assertThat(budgets).isEqualTo(values.contains("production") ? 3 : 1);
  }

  /**
   * The flows of docs/architecture.md, as the NetworkPolicies allow them: source, destination and
   * port. A destination outside the release is named by the rule it comes from.
   */
  @Test
  void theNetworkPoliciesAllowExactlyTheArchitecturesFlows() {
    Set<String> production = flows(render("ci/production-values.yaml"));
    Set<String> expected =
        new TreeSet<>(
            List.of(
                // ingress: from outside only to the gateway, and only from the ingress controller
                "ingress-nginx -> api-gateway:http",
                // the gateway forwards to every service
                "api-gateway -> auth-service:8080",
                "api-gateway -> ingestion-service:8080",
                "api-gateway -> workflow-worker:8080",
                "api-gateway -> notifications-service:8080",
                // the services read the gateway's key set (internal tokens)
                "auth-service -> api-gateway:8080",
                "ingestion-service -> api-gateway:8080",
                "workflow-worker -> api-gateway:8080",
                "notifications-service -> api-gateway:8080",
                // the copilot searches; a tenant's export fetches every service's part
                "workflow-worker -> ingestion-service:8080",
                "workflow-worker -> auth-service:8080",
                "workflow-worker -> notifications-service:8080",
                // PostgreSQL: every service
                "api-gateway -> 10.0.32.0/20:5432",
                "auth-service -> 10.0.32.0/20:5432",
                "ingestion-service -> 10.0.32.0/20:5432",
                "workflow-worker -> 10.0.32.0/20:5432",
                "notifications-service -> 10.0.32.0/20:5432",
                // Kafka: every service but the gateway
                "auth-service -> 10.0.32.0/20:9096",
                "ingestion-service -> 10.0.32.0/20:9096",
                "workflow-worker -> 10.0.32.0/20:9096",
                "notifications-service -> 10.0.32.0/20:9096",
                // Keycloak: token checks, the admin API, the worker's owner tokens, the realm
                "api-gateway -> identity:8080",
                "auth-service -> identity:8080",
                "workflow-worker -> identity:8080",
                "realm-import -> identity:8080",
                // Qdrant: the search index
                "ingestion-service -> vectors:6334",
                // SMTP: mail
                "notifications-service -> any:25",
                "notifications-service -> any:465",
                "notifications-service -> any:587",
                // beyond the cluster: webhooks, model providers and http steps, nothing else
                "notifications-service -> internet:any",
                "workflow-worker -> internet:any",
                "workflow-worker -> models:11434",
                // Prometheus scrapes every service
                "monitoring -> api-gateway:http",
                "monitoring -> auth-service:http",
                "monitoring -> ingestion-service:http",
                "monitoring -> workflow-worker:http",
                "monitoring -> notifications-service:http"));
    for (String service : List.of(SERVICES.toArray(String[]::new))) {
      expected.add(service + " -> kube-system:53/UDP");
      expected.add(service + " -> kube-system:53");
    }
    expected.add("realm-import -> kube-system:53/UDP");
    expected.add("realm-import -> kube-system:53");
    // the backup CronJob: PostgreSQL in, object storage out
    expected.add("backup -> 10.0.32.0/20:5432");
    expected.add("backup -> any:443");
    expected.add("backup -> kube-system:53/UDP");
    expected.add("backup -> kube-system:53");
    assertThat(production).containsExactlyInAnyOrderElementsOf(expected);

    // Defaults: any address on the infrastructure's ports, no Qdrant, no SMTP server yet, and the
    // gateway open to any source.
    Set<String> minimal = flows(render("ci/minimal-values.yaml"));
    assertThat(minimal)
        .contains(
            "any -> api-gateway:http",
            "api-gateway -> any:5432",
            "auth-service -> any:9092",
            "workflow-worker -> any:8443",
            "workflow-worker -> internet:any")
        .noneMatch(f -> f.endsWith(":6334") || f.endsWith(":587") || f.startsWith("realm-import"))
        .noneMatch(f -> f.startsWith("backup"))
        .noneMatch(f -> f.matches("(api-gateway|auth-service|ingestion-service) -> internet:.*"))
        .noneMatch(f -> f.matches("any -> (?!api-gateway).*"));
  }

  @Test
  void egressBeyondTheClusterNeverReachesPrivateAddresses() {
    NetworkPolicy worker =
        find(
            render("ci/minimal-values.yaml"),
            NetworkPolicy.class,
            "copilot-smb-copilot-workflow-worker");
    var block =
        worker.getSpec().getEgress().stream()
            .flatMap(r -> r.getTo().stream())
            .filter(p -> p.getIpBlock() != null)
            .findFirst()
            .orElseThrow()
            .getIpBlock();
    assertThat(block.getCidr()).isEqualTo("0.0.0.0/0");
    assertThat(block.getExcept())
        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
  }

  @Test
  void productionHasTheIngressMonitoringAndItsSchedulingSettings() throws Exception {
    List<HasMetadata> objects = render("ci/production-values.yaml");
    Ingress ingress = find(objects, Ingress.class, PREFIX + "api-gateway");
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("smb-copilot-tls");
    var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend();
    assertThat(backend.getService().getName()).isEqualTo(PREFIX + "api-gateway");
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("app.example.com");

    ServiceMonitor monitor = find(objects, ServiceMonitor.class, "copilot-smb-copilot");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(monitor.getSpec().getJobLabel()).isEqualTo("app.kubernetes.io/name");
    assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/q/metrics");
    // it selects the five Services
    long selected =
        of(objects, io.fabric8.kubernetes.api.model.Service.class).stream()
            .filter(s -> selects(monitor.getSpec().getSelector(), s.getMetadata().getLabels()))
            .count();
    assertThat(selected).isEqualTo(SERVICES.size());

    // The PrometheusRule carries the rule file as it is.
    PrometheusRule rule = find(objects, PrometheusRule.class, "copilot-smb-copilot");
    YAMLMapper yaml = new YAMLMapper();
    JsonNode file =
        yaml.readTree(CHART.resolve("files/prometheus/copilot-rules.yaml").toFile()).get("groups");
    JsonNode rendered = yaml.valueToTree(rule.getSpec().getGroups());
    assertThat(rendered.size()).isEqualTo(file.size());
    for (int i = 0; i < file.size(); i++) {
      assertThat(rendered.get(i).get("name")).isEqualTo(file.get(i).get("name"));
      JsonNode rules = file.get(i).get("rules");
      for (int j = 0; j < rules.size(); j++) {
        JsonNode expected = rules.get(j);
        JsonNode actual = rendered.get(i).get("rules").get(j);
        assertThat(actual.get("expr").asText()).isEqualTo(expected.get("expr").asText());
        for (String key : List.of("alert", "record", "for", "labels", "annotations")) {
          assertThat(actual.get(key)).as("%s of %s", key, expected).isEqualTo(expected.get(key));
        }
      }
    }

    // Grafana's sidecar finds the dashboards by their label, in the folder of the annotation.
    List<io.fabric8.kubernetes.api.model.ConfigMap> boards =
        of(objects, io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
            .filter(c -> "1".equals(c.getMetadata().getLabels().get("grafana_dashboard")))
            .toList();
    assertThat(boards).hasSize(10);
    for (var board : boards) {
      assertThat(board.getMetadata().getAnnotations())
          .containsEntry("grafana_folder", "SMB Copilot");
      String name = board.getData().keySet().iterator().next();
      assertThat(yaml.readTree(board.getData().get(name)))
          .isEqualTo(yaml.readTree(CHART.resolve("files/grafana/" + name).toFile()));
    }

    Deployment gateway = find(objects, Deployment.class, PREFIX + "api-gateway");
    PodSpec pod = gateway.getSpec().getTemplate().getSpec();
    assertThat(gateway.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/team", "copilot")
        .containsKey("checksum/config");
    var spread = pod.getTopologySpreadConstraints().get(0);
    assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    // the service's own selector is filled in
    assertThat(spread.getLabelSelector().getMatchLabels())
        .isEqualTo(gateway.getSpec().getSelector().getMatchLabels());
    PodSpec auth =
        find(objects, Deployment.class, PREFIX + "auth-service").getSpec().getTemplate().getSpec();
    assertThat(auth.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    // ingestion's replicas prefer different nodes
    var anti =
        find(objects, Deployment.class, PREFIX + "ingestion-service")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution()
            .get(0);
    assertThat(anti.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(anti.getPodAffinityTerm().getLabelSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "ingestion-service");
    assertThat(auth.getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
    assertThat(find(objects, ServiceAccount.class, PREFIX + "auth-service").getMetadata())
        .extracting(m -> m.getAnnotations().get("eks.amazonaws.com/role-arn"))
        .isEqualTo("arn:aws:iam::123456789012:role/copilot-auth-service");
    PodSpec notifications =
        find(objects, Deployment.class, PREFIX + "notifications-service")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(notifications.getVolumes()).anyMatch(v -> v.getName().equals("ca"));
    assertThat(notifications.getContainers().get(0).getVolumeMounts())
        .anyMatch(m -> m.getName().equals("ca") && m.getMountPath().equals("/etc/ssl/corporate"));
    assertThat(notifications.getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("QUARKUS_LOG_LEVEL") && e.getValue().equals("INFO"));
  }

  @Test
  void theMinimalScenarioHasNoIngressNoMonitoringObjectsAndAnEphemeralIndex() {
    List<HasMetadata> objects = render("ci/minimal-values.yaml");
    assertThat(objects)
        .noneMatch(o -> o instanceof Ingress)
        .noneMatch(o -> o instanceof ServiceMonitor)
        .noneMatch(o -> o instanceof PrometheusRule)
        .noneMatch(o -> o instanceof PersistentVolumeClaim);
    PodSpec ingestion =
        find(objects, Deployment.class, PREFIX + "ingestion-service")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(ingestion.getVolumes())
        .anyMatch(v -> v.getName().equals("data") && v.getEmptyDir() != null);
  }

  @Test
  void theEmbeddedIndexCanLiveOnAClaim() throws Exception {
    Path values = Files.createTempFile("persistent-index", ".yaml");
    Files.writeString(
        values,
        """
        postgresql: {host: db, existingSecret: db}
        kafka: {bootstrapServers: "kafka:9092"}
        keycloak: {url: "http://keycloak:8080"}
        services:
          ingestion-service:
            persistence: {enabled: true, size: 20Gi, storageClass: gp3}
        """);
    List<HasMetadata> objects = render(values.toString());
    PersistentVolumeClaim claim =
        find(objects, PersistentVolumeClaim.class, PREFIX + "ingestion-service");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("20Gi");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("gp3");
    assertThat(claim.getMetadata().getAnnotations())
        .containsEntry("helm.sh/resource-policy", "keep");
    Deployment ingestion = find(objects, Deployment.class, PREFIX + "ingestion-service");
    assertThat(ingestion.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(ingestion.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(
            v ->
                v.getName().equals("data")
                    && v.getPersistentVolumeClaim()
                        .getClaimName()
                        .equals(claim.getMetadata().getName()));
    // the other services keep no files
    assertThat(of(objects, PersistentVolumeClaim.class)).hasSize(1);

    Files.writeString(
        values,
        Files.readString(values).replace("persistence:", "replicaCount: 2\n    persistence:"));
    assertThatThrownBy(() -> render(values.toString()))
        .hasMessageContaining(
            "services.ingestion-service.persistence: a ReadWriteOnce claim serves one replica");
  }

  @Test
  void anIngressWithoutHostsOrTwoExposedServicesFailClearly() throws Exception {
    Path values = Files.createTempFile("bad-ingress", ".yaml");
    Files.writeString(
        values,
        """
        ingress: {enabled: true}
        services:
          auth-service:
            wiring: {uses: [kafka], calls: [], exposed: true, config: {}, secretEnv: []}
        """);
    assertThatThrownBy(
            () -> new Helm(CHART).template().withName("copilot").withValuesFile(values).call())
        .hasMessageContaining("ingress.hosts is required")
        .hasMessageContaining("exactly one enabled service must be exposed");
  }

  /** The generic templates name no service: what differs between services is in values.yaml. */
  @Test
  void theTemplatesHaveNoCaseForAServiceByName() throws Exception {
    try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
      for (Path file : files.toList()) {
        String text = Files.readString(file);
        for (String service : SERVICES) {
          assertThat(text).as("%s names %s", file.getFileName(), service).doesNotContain(service);
        }
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    return labels != null
        && selector.getMatchLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The flows the policies allow, as "source -> destination:port". */
  private static Set<String> flows(List<HasMetadata> objects) {
    Set<String> flows = new TreeSet<>();
    for (NetworkPolicy p : of(objects, NetworkPolicy.class)) {
      String self = p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name");
      if (self == null) {
        continue; // the default deny
      }
      for (var rule : p.getSpec().getIngress()) {
        for (String from : peers(rule.getFrom())) {
          for (String port : ports(rule.getPorts())) {
            flows.add(from + " -> " + self + ":" + port);
          }
        }
      }
      for (var rule : p.getSpec().getEgress()) {
        for (String to : peers(rule.getTo())) {
          for (String port : ports(rule.getPorts())) {
            flows.add(self + " -> " + to + ":" + port);
          }
        }
      }
    }
    // each intra-release flow is allowed at both ends
    for (String flow : List.copyOf(flows)) {
      String[] parts = flow.split(" -> |:");
      if (SERVICES.contains(parts[0]) && SERVICES.contains(parts[1]) && parts[2].equals("8080")) {
        assertThat(flows)
            .as("the ingress side of %s", flow)
            .contains(parts[0] + " -> " + parts[1] + ":http");
        flows.remove(parts[0] + " -> " + parts[1] + ":http");
      }
    }
    return flows;
  }

  private static List<String> peers(List<NetworkPolicyPeer> peers) {
    if (peers == null || peers.isEmpty()) {
      return List.of("any");
    }
    List<String> names = new ArrayList<>();
    for (NetworkPolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        names.add(
            peer.getIpBlock().getCidr().equals("0.0.0.0/0")
                ? "internet"
                : peer.getIpBlock().getCidr());
      } else if (peer.getNamespaceSelector() != null) {
        names.add(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
      } else {
        names.add(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
      }
    }
    return names;
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    if (ports == null || ports.isEmpty()) {
      return List.of("any");
    }
    return ports.stream()
        .map(
            p ->
                (p.getPort().getIntVal() != null
                        ? p.getPort().getIntVal().toString()
                        : p.getPort().getStrVal())
                    + ("UDP".equals(p.getProtocol()) ? "/UDP" : ""))
        .collect(Collectors.toList());
  }
}
