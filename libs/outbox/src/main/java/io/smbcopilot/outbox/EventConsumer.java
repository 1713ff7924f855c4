package io.smbcopilot.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A service's consumer of platform events, applied once each through the inbox ({@link
 * InboxConsumer}), started with the service and stopped with it. A subclass (an application-scoped
 * bean) names itself and its topics and applies one event inside the inbox transaction.
 */
public abstract class EventConsumer {
  @Inject protected Pool pool;
  @Inject protected MeterRegistry registry;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  protected String bootstrapServers;

  private InboxConsumer consumer;

  /** The consumer's name: its Kafka group id and its key in the inbox. */
  protected abstract String name();

  protected abstract List<String> topics();

  /** The effect of one event, in the transaction that records its id. */
  protected abstract Uni<Void> apply(SqlConnection transaction, CloudEvent event);

  protected void onStart(@Observes StartupEvent event) {
    consumer =
        new InboxConsumer(
            pool,
            topics(),
            bootstrapServers,
            this::apply,
            new InboxConsumer.Settings(name(), 5, Duration.ofMillis(200)),
            registry);
    consumer.start();
  }

  protected void onStop(@Observes ShutdownEvent event) {
    if (consumer != null) {
      consumer.close();
    }
  }
}
