package io.smbcopilot.ingestion.messaging;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.ingestion.pipeline.IngestQueue;
import io.smbcopilot.ingestion.pipeline.Pipeline;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code document.uploaded} ({@code copilot.documents.v1}), applied once through the inbox: the
 * document gets a job in the pipeline's queue (if it is still queued), and a worker is woken.
 */
@ApplicationScoped
public class DocumentEventsConsumer {
  /** The channel (see application.properties). */
  public static final String CHANNEL = "document-events";

  /** This consumer's key in the inbox and its Kafka group. */
  public static final String CONSUMER = "ingestion-service.pipeline";

  private final Inbox inbox;
  private final DocumentRepository documents;
  private final IngestQueue queue;
  private final Pipeline pipeline;
  private final EventHandlers handlers;

  public DocumentEventsConsumer(
      Inbox inbox, DocumentRepository documents, IngestQueue queue, Pipeline pipeline) {
    this.inbox = inbox;
    this.documents = documents;
    this.queue = queue;
    this.pipeline = pipeline;
    this.handlers =
        EventHandlers.of(CONSUMER)
            .on(EventType.DOCUMENT_UPLOADED, DocumentUploaded.class, this::uploaded);
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(Message<byte[]> message) {
    // A worker is woken once the inbox's transaction has committed the job: woken before, it
    // would find nothing to claim and sleep until its next poll.
    return inbox.process(message, handlers).invoke(pipeline::wake);
  }

  private Uni<Void> uploaded(DocumentUploaded uploaded, CloudEvent event) {
    UUID tenantId = UUID.fromString(uploaded.tenantId());
    return documents
        .find(tenantId, UUID.fromString(uploaded.documentId()))
        .chain(
            document ->
                document == null || !"queued".equals(document.status)
                    ? Uni.createFrom().voidItem()
                    : queue.enqueue(tenantId, document.id));
  }
}
