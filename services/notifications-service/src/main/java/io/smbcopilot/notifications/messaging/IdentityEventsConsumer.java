package io.smbcopilot.notifications.messaging;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.notifications.service.NotificationService;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Identity events ({@code copilot.identity.v1}), applied exactly once through the inbox: a new
 * tenant's owner gets a welcome notification in the app.
 */
@ApplicationScoped
public class IdentityEventsConsumer {
  /** The channel (see application.properties) and this consumer's key in the inbox. */
  public static final String CHANNEL = "identity-events";

  public static final String CONSUMER = "notifications-service.identity";

  private final Inbox inbox;
  private final EventHandlers handlers;

  public IdentityEventsConsumer(Inbox inbox, NotificationService notifications) {
    this.inbox = inbox;
    this.handlers =
        EventHandlers.of(CONSUMER)
            .on(EventType.TENANT_CREATED, TenantCreated.class, notifications::welcome);
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(Message<byte[]> message) {
    return inbox.process(message, handlers);
  }
}
