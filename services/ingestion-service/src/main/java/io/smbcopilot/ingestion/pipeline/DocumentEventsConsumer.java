package io.smbcopilot.ingestion.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.documents.DocumentUploaded;
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
 * {@code document.uploaded}, applied once through the inbox: the document gets a job in {@code
 * ingest_job} (if it is still queued), and a worker is woken.
 */
@ApplicationScoped
public class DocumentEventsConsumer {
  public static final String CONSUMER = "ingestion-service.pipeline";

  private final Pool pool;
  private final MeterRegistry registry;
  private final Pipeline pipeline;
  private final String bootstrapServers;
  private InboxConsumer consumer;

  public DocumentEventsConsumer(
      Pool pool,
      MeterRegistry registry,
      Pipeline pipeline,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.pool = pool;
    this.registry = registry;
    this.pipeline = pipeline;
    this.bootstrapServers = bootstrapServers;
  }

  void onStart(@Observes StartupEvent event) {
    consumer =
        new InboxConsumer(
            pool,
            List.of(Topics.DOCUMENTS),
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
    if (!EventType.DOCUMENT_UPLOADED.typeName().equals(event.type())) {
      return Uni.createFrom().voidItem();
    }
    DocumentUploaded uploaded = event.dataAs(DocumentUploaded.class);
    return tx.preparedQuery(
            "INSERT INTO ingest_job (document_id, tenant_id) SELECT id, tenant_id FROM document"
                + " WHERE id = $1 AND tenant_id = $2 AND status = 'queued' ON CONFLICT DO NOTHING")
        .execute(
            Tuple.of(UUID.fromString(uploaded.documentId()), UUID.fromString(uploaded.tenantId())))
        .invoke(pipeline::wake)
        .replaceWithVoid();
  }
}
