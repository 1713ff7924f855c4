package io.smbcopilot.notifications.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.InboxConsumer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Identity events, applied exactly once through the inbox: a new tenant's owner gets a welcome
 * notification in the app.
 */
@ApplicationScoped
public class IdentityEventsConsumer {
  public static final String CONSUMER = "notifications-service.identity";

  private final Pool pool;
  private final MeterRegistry registry;
  private final String bootstrapServers;
  private InboxConsumer consumer;

  public IdentityEventsConsumer(
      Pool pool,
      MeterRegistry registry,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.pool = pool;
    this.registry = registry;
    this.bootstrapServers = bootstrapServers;
  }

  void onStart(@Observes StartupEvent event) {
    consumer =
        new InboxConsumer(
            pool,
            List.of(Topics.IDENTITY),
            bootstrapServers,
            this::apply,
            new InboxConsumer.Settings(CONSUMER, 5, Duration.ofMillis(200)),
            registry);
    consumer.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    if (consumer != null) {
      consumer.close();
    }
  }

  Uni<Void> apply(SqlConnection tx, CloudEvent event) {
    if (!EventType.TENANT_CREATED.typeName().equals(event.type())) {
      return Uni.createFrom().voidItem();
    }
    TenantCreated created = event.dataAs(TenantCreated.class);
    Tuple row = Tuple.tuple();
    row.addUUID(UUID.randomUUID())
        .addUUID(UUID.fromString(created.tenantId()))
        .addString(created.ownerUserId())
        .addString("welcome")
        .addString("Welcome to SMB Copilot, " + created.ownerDisplayName())
        .addString(
            created.name()
                + " is ready. Upload your first documents, invite your team and ask the copilot.")
        .addString("/documents")
        .addString(event.id());
    return tx.preparedQuery(
            "INSERT INTO notification (id, tenant_id, user_id, kind, title, body, link,"
                + " source_event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(row)
        .replaceWithVoid();
  }
}
