package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.TenantCreated;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link Outbox#append(CloudEvent)} writes the row in the caller's Hibernate Reactive transaction:
 * its data as a JSON object (not a JSON string holding it), its topic from the catalog.
 */
@QuarkusTest
@WithTestResource(InboxTopicsResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "inbox-test"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class OutboxAppendTest {
  @Inject Outbox outbox;
  @Inject Pool pool;

  @Test
  void theEventIsStoredWithItsDataAsAJsonObjectInTheCallersTransaction() throws Throwable {
    String tenant = UUID.randomUUID().toString();
    CloudEvent event =
        CloudEvent.of(
            EventType.TENANT_CREATED,
            "/outbox-test",
            tenant,
            tenant,
            new TenantCreated(tenant, "Acme", "owner-1", "o@example.test", "Olga"));
    VertxContextSupport.subscribeAndAwait(
        () -> Panache.withTransaction(() -> outbox.append(event)));
    Row row =
        pool.preparedQuery(
                "SELECT topic, jsonb_typeof(data) AS kind, data->>'name' AS name FROM outbox_event"
                    + " WHERE id = $1")
            .execute(Tuple.of(event.id()))
            .await()
            .indefinitely()
            .iterator()
            .next();
    assertThat(row.getString("topic")).isEqualTo("copilot.identity.v1");
    assertThat(row.getString("kind")).isEqualTo("object");
    assertThat(row.getString("name")).isEqualTo("Acme");
  }
}
