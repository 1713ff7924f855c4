package io.smbcopilot.outbox;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while a Kafka broker answers, within a bounded time: the readiness endpoint never
 * hangs on a broker that is gone, and reports UP again as soon as it returns.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {
  private final String bootstrapServers;
  private Admin admin;

  public KafkaReadinessCheck(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                  AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000,
                  AdminClientConfig.CLIENT_ID_CONFIG, "readiness"));
    }
    return admin;
  }

  @Override
  public HealthCheckResponse call() {
    var response =
        HealthCheckResponse.named("Kafka broker").withData("bootstrap.servers", bootstrapServers);
    try {
      Collection<Node> nodes =
          admin()
              .describeCluster(new DescribeClusterOptions().timeoutMs(2_500))
              .nodes()
              .get(3, TimeUnit.SECONDS);
      return response.status(!nodes.isEmpty()).withData("brokers", nodes.size()).build();
    } catch (Exception e) {
      return response.down().withData("error", e.getClass().getSimpleName()).build();
    }
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close();
    }
  }
}
