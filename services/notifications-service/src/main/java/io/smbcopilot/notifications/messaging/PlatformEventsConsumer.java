package io.smbcopilot.notifications.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.events.notifications.InvitationMailRequested;
import io.smbcopilot.notifications.mail.MailDeliveries;
import io.smbcopilot.notifications.service.DirectoryProjection;
import io.smbcopilot.notifications.service.Notifier;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import io.smbcopilot.outbox.PersonPseudonymisation;
import io.smbcopilot.outbox.Retention;
import io.smbcopilot.outbox.TenantErasure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * What people are told ({@code copilot.identity.v1}, {@code copilot.documents.v1}, {@code
 * copilot.workflows.v1}, {@code copilot.notifications.v1}), each event applied once through the
 * inbox: the directory learns who is who from the identity events first, then the event makes its
 * notifications and mails by the catalog; an invitation is mailed; the tenant's retention is kept.
 * Mail made in the inbox's transaction is sent as soon as it commits.
 */
@ApplicationScoped
public class PlatformEventsConsumer {
  public static final String CHANNEL = "platform-events";
  public static final String CONSUMER = "notifications-service.feed";

  /** The types that only notify (the directory needs nothing from them). */
  private static final List<EventType> NOTIFYING =
      List.of(
          EventType.API_KEY_CHANGED,
          EventType.DOCUMENT_INDEXED,
          EventType.DOCUMENT_FAILED,
          EventType.RUN_FINISHED,
          EventType.COPILOT_BUDGET_REACHED,
          // a workflow's notify step (kind workflow.message)
          EventType.NOTIFICATION_REQUESTED,
          EventType.TENANT_EXPORT_READY,
          EventType.PERSONAL_EXPORT_READY);

  private final Inbox inbox;
  private final MailDeliveries mail;
  private final EventHandlers handlers;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public PlatformEventsConsumer(
      Inbox inbox,
      MailDeliveries mail,
      DirectoryProjection directory,
      Notifier notifier,
      Retention retention,
      TenantErasure erasure,
      PersonPseudonymisation pseudonymisation) {
    this.inbox = inbox;
    this.mail = mail;
    EventHandlers all =
        EventHandlers.of(CONSUMER)
            .on(
                EventType.TENANT_CREATED,
                TenantCreated.class,
                (created, event) ->
                    directory.tenantCreated(created, event).chain(() -> notifier.onEvent(event)))
            .on(
                EventType.MEMBER_CHANGED,
                MemberChanged.class,
                (changed, event) ->
                    directory.memberChanged(changed, event).chain(() -> notifier.onEvent(event)))
            .on(EventType.ROLE_CHANGED, RoleChanged.class, directory::roleChanged)
            // how long the tenant keeps its rows (RetentionKinds), and its erasure: every row of
            // it in this schema
            .with(retention::handle)
            .with(erasure::handle)
            // a former member's id and addresses replaced by a pseudonym
            .with(pseudonymisation::handle)
            .on(
                EventType.INVITATION_MAIL_REQUESTED,
                InvitationMailRequested.class,
                notifier::invitation);
    for (EventType type : NOTIFYING) {
      all.on(type, (Class) type.payload(), (payload, event) -> notifier.onEvent(event));
    }
    this.handlers = all;
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
    return inbox.processBatch(batch, handlers).invoke(mail::wake);
  }
}
