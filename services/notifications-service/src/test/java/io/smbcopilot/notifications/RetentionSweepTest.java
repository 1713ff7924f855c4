package io.smbcopilot.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.RetentionChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.events.identity.TenantErased;
import io.smbcopilot.notifications.mail.Events;
import io.smbcopilot.outbox.Retention;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.Rows;
import io.smbcopilot.testing.TenantTraces;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The tenants' retention of notifications and deliveries (real Kafka and PostgreSQL): the settings
 * arrive as retention-changed events; the sweep, at the time of a clock the test moves, deletes
 * notifications, finished webhook messages (with their attempts) and finished mails past them, and
 * keeps what is still to be delivered, younger rows and the tenants that set nothing.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class RetentionSweepTest {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject Pool pool;

  private Rows rows;

  @org.junit.jupiter.api.BeforeEach
  void rows() {
    rows = new Rows(pool);
  }

  @Inject Retention retention;

  @Test
  void whatIsOlderThanTheTenantsRetentionIsDeletedAndNothingElse() throws Throwable {
    Instant now = Instant.now();
    UUID tenant = UUID.randomUUID();
    UUID other = UUID.randomUUID(); // sets nothing: keeps everything
    Events.send(
        bootstrap,
        EventType.RETENTION_CHANGED,
        tenant,
        new RetentionChanged(tenant.toString(), 30, 30, 14, 30, 365, "owner"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> rows.count("SELECT 1 FROM retention_policy WHERE tenant_id = $1", tenant) == 1);

    UUID oldNote = notification(tenant, now.minus(Duration.ofDays(15)));
    UUID youngNote = notification(tenant, now.minus(Duration.ofDays(5)));
    UUID otherNote = notification(other, now.minus(Duration.ofDays(900)));
    UUID endpoint = endpoint(tenant);
    String delivered = message(tenant, endpoint, "delivered", now.minus(Duration.ofDays(31)));
    String failed = message(tenant, endpoint, "failed", now.minus(Duration.ofDays(45)));
    String pending = message(tenant, endpoint, "pending", now.minus(Duration.ofDays(45)));
    String young = message(tenant, endpoint, "delivered", now.minus(Duration.ofDays(20)));
    UUID sentMail = mail(tenant, "sent", now.minus(Duration.ofDays(31)));
    UUID queuedMail = mail(tenant, "queued", now.minus(Duration.ofDays(31)));
    UUID otherMail = mail(other, "sent", now.minus(Duration.ofDays(900)));

    at(now);
    Map<String, Long> deleted = VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(deleted).containsKeys("notifications", "webhook-deliveries", "mails");
    assertThat(rows.exists("notification", oldNote)).isFalse();
    assertThat(rows.exists("notification", youngNote)).isTrue();
    assertThat(rows.exists("notification", otherNote)).isTrue();
    assertThat(rows.exists("webhook_message", delivered)).isFalse();
    assertThat(rows.exists("webhook_message", failed)).isFalse();
    assertThat(rows.count("SELECT 1 FROM webhook_attempt WHERE message_id = $1", delivered))
        .isZero();
    assertThat(rows.exists("webhook_message", pending)).isTrue();
    assertThat(rows.exists("webhook_message", young)).isTrue();
    assertThat(rows.count("SELECT 1 FROM webhook_attempt WHERE message_id = $1", young))
        .isEqualTo(1);
    assertThat(rows.exists("mail_message", sentMail)).isFalse();
    assertThat(rows.exists("mail_message", queuedMail)).isTrue();
    assertThat(rows.exists("mail_message", otherMail)).isTrue();

    // two weeks on, the young ones are past the limits too; what waits to go out never is
    at(now.plus(Duration.ofDays(14)));
    VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(rows.exists("notification", youngNote)).isFalse();
    assertThat(rows.exists("webhook_message", young)).isFalse();
    assertThat(rows.exists("webhook_message", pending)).isTrue();
    assertThat(rows.exists("mail_message", queuedMail)).isTrue();
    assertThat(rows.exists("notification", otherNote)).isTrue();
  }

  @Test
  void aTenantsErasureLeavesNothingOfItAndItsLaterEventsAreNotApplied() throws Throwable {
    Instant now = Instant.now();
    UUID tenant = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    UUID note = notification(tenant, now);
    String message = message(tenant, endpoint(tenant), "delivered", now);
    UUID mail = mail(tenant, "sent", now);
    UUID otherNote = notification(other, now);
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(
            tenant.toString(),
            "Erased Co " + tenant,
            "o-" + tenant,
            "o-" + tenant + "@erased.test",
            "Olga"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> rows.count("SELECT 1 FROM directory_tenant WHERE tenant_id = $1", tenant) == 1);

    Events.send(bootstrap, EventType.TENANT_ERASED, tenant, new TenantErased(tenant.toString()));
    List<String> needles = List.of(tenant.toString(), "Erased Co " + tenant, "o-" + tenant);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> TenantTraces.find(pool, List.of("notifications_service"), needles).isEmpty());
    assertThat(rows.exists("notification", note)).isFalse();
    assertThat(rows.exists("webhook_message", message)).isFalse();
    assertThat(rows.exists("mail_message", mail)).isFalse();
    assertThat(rows.exists("notification", otherNote)).isTrue();

    // an event of the tenant that comes after: not applied, not even recorded
    Events.send(
        bootstrap,
        EventType.RETENTION_CHANGED,
        tenant,
        new RetentionChanged(tenant.toString(), null, null, 7, 7, null, "owner"));
    Events.send(
        bootstrap,
        EventType.RETENTION_CHANGED,
        other,
        new RetentionChanged(other.toString(), null, null, 7, 7, null, "owner"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rows.count("SELECT 1 FROM retention_policy WHERE tenant_id = $1", other) == 1);
    assertThat(TenantTraces.find(pool, List.of("notifications_service"), needles)).isEmpty();
  }

  private static void at(Instant instant) {
    QuarkusMock.installMockForType(RetentionClock.at(instant), RetentionClock.class);
  }

  private UUID notification(UUID tenant, Instant at) {
    UUID id = UUID.randomUUID();
    rows.update(
        "INSERT INTO notification (id, tenant_id, user_id, kind, title, created_at)"
            + " VALUES ($1, $2, 'someone', 'member.joined', 'Someone joined', $3)",
        Tuple.of(id, tenant, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)));
    return id;
  }

  /** A disabled endpoint: nothing is delivered to it meanwhile. */
  private UUID endpoint(UUID tenant) {
    UUID id = UUID.randomUUID();
    rows.update(
        "INSERT INTO webhook_endpoint (id, tenant_id, url, enabled, secret_encrypted, created_by,"
            + " created_at, updated_at) VALUES ($1, $2, 'https://partner.example/hook', false,"
            + " 'sealed', 'owner', now(), now())",
        Tuple.of(id, tenant));
    return id;
  }

  private String message(UUID tenant, UUID endpoint, String status, Instant changed) {
    String id = "msg_" + UUID.randomUUID();
    OffsetDateTime at = OffsetDateTime.ofInstant(changed, ZoneOffset.UTC);
    rows.update(
        "INSERT INTO webhook_message (id, tenant_id, endpoint_id, event_id, event_type, body,"
            + " status, attempts, created_at, updated_at)"
            + " VALUES ($1, $2, $3, $4, 'io.smbcopilot.document.indexed.v1', '{}', $5, 1, $6, $6)",
        Tuple.of(id, tenant, endpoint, UUID.randomUUID().toString(), status, at));
    rows.update(
        "INSERT INTO webhook_attempt (id, tenant_id, message_id, attempted_at, status_code,"
            + " duration_ms) VALUES ($1, $2, $3, $4, 200, 12)",
        Tuple.of(UUID.randomUUID(), tenant, id, at));
    return id;
  }

  private UUID mail(UUID tenant, String status, Instant changed) {
    UUID id = UUID.randomUUID();
    rows.update(
        "INSERT INTO mail_message (id, tenant_id, to_address, kind, subject, text_body, html_body,"
            + " status, created_at, updated_at)"
            + " VALUES ($1, $2, 'someone@example.test', 'member.joined', 's', 't', 'h', $3, $4, $4)",
        Tuple.of(id, tenant, status, OffsetDateTime.ofInstant(changed, ZoneOffset.UTC)));
    return id;
  }
}
