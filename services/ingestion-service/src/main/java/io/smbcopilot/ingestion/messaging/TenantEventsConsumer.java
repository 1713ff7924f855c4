package io.smbcopilot.ingestion.messaging;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import io.smbcopilot.outbox.PersonPseudonymisation;
import io.smbcopilot.outbox.TenantErasure;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A tenant's erasure ({@code tenant-erased} on {@code copilot.identity.v1}, through the inbox): its
 * collections, documents with their originals, chunks and jobs go with every other row of the
 * tenant in this schema, and its entries leave the index ({@link Index}).
 */
@ApplicationScoped
public class TenantEventsConsumer {
  public static final String CHANNEL = "tenant-events";
  public static final String CONSUMER = "ingestion-service.tenants";

  private final Inbox inbox;
  private final EventHandlers handlers;

  public TenantEventsConsumer(
      Inbox inbox, TenantErasure erasure, PersonPseudonymisation pseudonymisation) {
    this.inbox = inbox;
    this.handlers = EventHandlers.of(CONSUMER).with(erasure::handle).with(pseudonymisation::handle);
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(Message<byte[]> message) {
    return inbox.process(message, handlers);
  }

  /** The tenant's entries in the index (Lucene's files or Qdrant's collection). */
  @ApplicationScoped
  public static class Index implements TenantErasure.Elsewhere {
    private final ChunkIndex index;
    private final Vertx vertx;

    public Index(ChunkIndex index, Vertx vertx) {
      this.index = index;
      this.vertx = vertx;
    }

    @Override
    public Uni<Void> erase(UUID tenantId) {
      // blocking (the index's writer); the inbox's transaction goes on on its own context after
      return vertx.executeBlocking(
          Uni.createFrom()
              .item(
                  () -> {
                    index.deleteTenant(tenantId);
                    return null;
                  }));
    }
  }
}
