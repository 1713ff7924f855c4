package io.smbcopilot.workflow.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import io.smbcopilot.outbox.PersonPseudonymisation;
import io.smbcopilot.outbox.Retention;
import io.smbcopilot.outbox.TenantErasure;
import io.smbcopilot.workflow.exports.TenantExports;
import io.smbcopilot.workflow.repository.DirectoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Who is a member of which tenant ({@code copilot.identity.v1}, through the inbox): a workflow's
 * steps stop once its owner was removed from the tenant. And how long the tenant keeps its
 * conversations and run histories ({@link io.smbcopilot.workflow.repository.RetentionKinds}).
 */
@ApplicationScoped
public class IdentityEventsConsumer {
  public static final String CHANNEL = "identity-events";
  public static final String CONSUMER = "workflow-worker.directory";

  private final Inbox inbox;
  private final EventHandlers handlers;

  public IdentityEventsConsumer(
      Inbox inbox,
      DirectoryRepository directory,
      Retention retention,
      TenantErasure erasure,
      PersonPseudonymisation pseudonymisation,
      TenantExports exports) {
    this.inbox = inbox;
    this.handlers =
        EventHandlers.of(CONSUMER)
            .on(
                EventType.TENANT_CREATED,
                TenantCreated.class,
                (created, event) ->
                    directory.save(
                        UUID.fromString(created.tenantId()), created.ownerUserId(), "owner", false))
            .on(
                EventType.MEMBER_CHANGED,
                MemberChanged.class,
                (changed, event) ->
                    changed.userId() == null
                        ? Uni.createFrom().voidItem() // an invitation: nobody joined yet
                        : directory.save(
                            UUID.fromString(changed.tenantId()),
                            changed.userId(),
                            changed.role(),
                            "removed".equals(changed.change())))
            // how long the tenant keeps its rows (RetentionKinds), and its erasure: every row of
            // it in this schema
            .with(retention::handle)
            .with(erasure::handle)
            // a former member's id and addresses replaced by a pseudonym, and the business's
            // exports made before withdrawn (they hold the person as they were)
            .with(
                h ->
                    pseudonymisation.handle(
                        h, (tenant, pseudonymised) -> exports.withdrawBefore(tenant)));
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
    return inbox.processBatch(batch, handlers);
  }
}
