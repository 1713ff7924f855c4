package io.smbcopilot.ingestion.pipeline;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.outbox.EventConsumer;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * {@code document.uploaded}, applied once through the inbox: the document gets a job in {@code
 * ingest_job} (if it is still queued), and a worker is woken.
 */
@ApplicationScoped
public class DocumentEventsConsumer extends EventConsumer {
  public static final String CONSUMER = "ingestion-service.pipeline";

  private final Pipeline pipeline;

  public DocumentEventsConsumer(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  protected String name() {
    return CONSUMER;
  }

  @Override
  protected List<String> topics() {
    return List.of(Topics.DOCUMENTS);
  }

  @Override
  protected Uni<Void> apply(SqlConnection tx, CloudEvent event) {
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
