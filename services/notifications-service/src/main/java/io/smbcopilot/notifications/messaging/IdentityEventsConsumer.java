package io.smbcopilot.notifications.messaging;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.EventConsumer;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Identity events, applied exactly once through the inbox: a new tenant's owner gets a welcome
 * notification in the app.
 */
@ApplicationScoped
public class IdentityEventsConsumer extends EventConsumer {
  public static final String CONSUMER = "notifications-service.identity";

  @Override
  protected String name() {
    return CONSUMER;
  }

  @Override
  protected List<String> topics() {
    return List.of(Topics.IDENTITY);
  }

  @Override
  protected Uni<Void> apply(SqlConnection tx, CloudEvent event) {
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
