package io.smbcopilot.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smbcopilot.events.Topics;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the relay with the service and stops it (after in-flight batches) on shutdown. */
@ApplicationScoped
public class OutboxLifecycle {
  private static final Logger LOG = Logger.getLogger(OutboxLifecycle.class);
  private final Pool pool;
  private final OutboxConfig config;
  private final MeterRegistry registry;
  private final String bootstrapServers;
  private final String application;
  private OutboxRelay relay;

  public OutboxLifecycle(
      Pool pool,
      OutboxConfig config,
      MeterRegistry registry,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      @ConfigProperty(name = "quarkus.application.name") String application) {
    this.pool = pool;
    this.config = config;
    this.registry = registry;
    this.bootstrapServers = bootstrapServers;
    this.application = application;
  }

  void onStart(@Observes StartupEvent event) {
    if (config.createTopics()) {
      createTopics();
    }
    if (config.relayEnabled()) {
      relay =
          new OutboxRelay(
              pool,
              KafkaSettings.producer(bootstrapServers, application + "-outbox"),
              new OutboxRelay.Settings(
                  application,
                  config.batchSize(),
                  config.pollInterval(),
                  config.maxBackoff(),
                  config.wakeOnInsert()),
              registry);
      relay.start();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (relay != null) {
      relay.close();
    }
  }

  /** Best effort: a broker that is down now only delays topic creation to auto-creation. */
  private void createTopics() {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
      Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : Topics.ALL) {
        for (String name : List.of(topic, Topics.deadLetter(topic))) {
          if (!existing.contains(name)) {
            missing.add(
                new NewTopic(name, config.topicPartitions(), config.topicReplicationFactor()));
          }
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(15, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warnf(
          "could not create the platform topics now (%s); they are created on first use",
          e.toString());
    }
  }
}
