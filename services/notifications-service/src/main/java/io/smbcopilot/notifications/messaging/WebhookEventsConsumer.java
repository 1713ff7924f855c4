package io.smbcopilot.notifications.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smbcopilot.events.EventType;
import io.smbcopilot.notifications.webhooks.Deliveries;
import io.smbcopilot.notifications.webhooks.EventCatalog;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The platform's events for partners ({@code copilot.identity.v1}, {@code copilot.documents.v1},
 * {@code copilot.workflows.v1}), each turned into its webhook messages exactly once through the
 * inbox, in the inbox's transaction.
 */
@ApplicationScoped
public class WebhookEventsConsumer {
  public static final String CHANNEL = "webhook-events";
  public static final String CONSUMER = "notifications-service.webhooks";

  private final Inbox inbox;
  private final Deliveries deliveries;
  private final EventHandlers handlers;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public WebhookEventsConsumer(Inbox inbox, Deliveries deliveries) {
    this.inbox = inbox;
    this.deliveries = deliveries;
    // an event no endpoint of its tenant takes (most) is neither recorded nor fanned out
    EventHandlers all = EventHandlers.of(CONSUMER).onlyWhen(deliveries::wanted);
    for (EventType type : EventType.values()) {
      if (EventCatalog.TYPES.contains(type.typeName())) {
        all.on(type, (Class) type.payload(), (payload, event) -> deliveries.fanOut(event));
      }
    }
    this.handlers = all;
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
    // the messages commit with the inbox's record; then a worker takes them at once
    return inbox.processBatch(batch, handlers).invoke(deliveries::wake);
  }
}
