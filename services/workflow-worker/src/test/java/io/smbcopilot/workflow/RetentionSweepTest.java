package io.smbcopilot.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.RetentionChanged;
import io.smbcopilot.events.identity.TenantErased;
import io.smbcopilot.outbox.Retention;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.outbox.TenantErasure;
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
 * The tenants' retention of conversations and run histories (real Kafka and PostgreSQL): the
 * settings arrive as retention-changed events; the sweep, at the time of a clock the test moves,
 * deletes the conversations idle and the finished runs older than them, with their messages and
 * steps, and keeps running runs, younger rows and the tenants that set nothing.
 */
@QuarkusTest
@TestProfile(MeteringTest.OutboxKept.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
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
    EventTriggersTest.publish(
        bootstrap,
        CloudEvent.of(
            EventType.RETENTION_CHANGED,
            "/auth-service",
            tenant.toString(),
            "tenant/" + tenant + "/retention",
            new RetentionChanged(tenant.toString(), 30, 60, 7, 7, 365, "owner")));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> rows.count("SELECT 1 FROM retention_policy WHERE tenant_id = $1", tenant) == 1);

    UUID oldChat = conversation(tenant, now.minus(Duration.ofDays(31)));
    UUID youngChat = conversation(tenant, now.minus(Duration.ofDays(10)));
    UUID otherChat = conversation(other, now.minus(Duration.ofDays(900)));
    UUID workflow = workflow(tenant);
    UUID oldRun = run(tenant, workflow, "succeeded", now.minus(Duration.ofDays(61)));
    UUID oldFailed = run(tenant, workflow, "failed", now.minus(Duration.ofDays(90)));
    UUID youngRun = run(tenant, workflow, "succeeded", now.minus(Duration.ofDays(40)));
    UUID stillWaiting = run(tenant, workflow, "waiting", null);
    UUID otherRun = run(other, workflow(other), "succeeded", now.minus(Duration.ofDays(900)));

    at(now);
    Map<String, Long> deleted = VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(deleted).containsKeys("conversations", "runs");
    assertThat(rows.exists("conversation", oldChat)).isFalse();
    assertThat(rows.count("SELECT 1 FROM message WHERE conversation_id = $1", oldChat)).isZero();
    assertThat(rows.exists("workflow_run", oldRun)).isFalse();
    assertThat(rows.exists("workflow_run", oldFailed)).isFalse();
    assertThat(rows.count("SELECT 1 FROM step_run WHERE run_id = $1", oldRun)).isZero();
    assertThat(rows.exists("conversation", youngChat)).isTrue();
    assertThat(rows.count("SELECT 1 FROM message WHERE conversation_id = $1", youngChat))
        .isEqualTo(2);
    assertThat(rows.exists("workflow_run", youngRun)).isTrue();
    assertThat(rows.exists("workflow_run", stillWaiting)).isTrue();
    assertThat(rows.exists("conversation", otherChat)).isTrue();
    assertThat(rows.exists("workflow_run", otherRun)).isTrue();

    // three weeks on, the young ones are past the limits too; a waiting run never is
    at(now.plus(Duration.ofDays(21)));
    VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(rows.exists("conversation", youngChat)).isFalse();
    assertThat(rows.exists("workflow_run", youngRun)).isFalse();
    assertThat(rows.exists("workflow_run", stillWaiting)).isTrue();
    assertThat(rows.exists("conversation", otherChat)).isTrue();
    assertThat(rows.exists("workflow_run", otherRun)).isTrue();

    // settings taken back (null days): nothing more goes
    EventTriggersTest.publish(
        bootstrap,
        CloudEvent.of(
            EventType.RETENTION_CHANGED,
            "/auth-service",
            tenant.toString(),
            "tenant/" + tenant + "/retention",
            new RetentionChanged(tenant.toString(), null, null, null, null, null, "owner")));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rows.count(
                        "SELECT 1 FROM retention_policy WHERE tenant_id = $1"
                            + " AND conversations_days IS NULL AND runs_days IS NULL",
                        tenant)
                    == 1);
    UUID later = conversation(tenant, now.minus(Duration.ofDays(400)));
    VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(rows.exists("conversation", later)).isTrue();
  }

  @Test
  void aTenantsErasureLeavesNothingOfItAndItsLaterEventsAreNotApplied() throws Throwable {
    Instant now = Instant.now();
    UUID tenant = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    UUID chat = conversation(tenant, now);
    UUID run = run(tenant, workflow(tenant), "succeeded", now);
    UUID otherChat = conversation(other, now);
    retention(tenant, 30);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> rows.count("SELECT 1 FROM retention_policy WHERE tenant_id = $1", tenant) == 1);

    EventTriggersTest.publish(
        bootstrap,
        CloudEvent.of(
            EventType.TENANT_ERASED,
            "/auth-service",
            tenant.toString(),
            "tenant/" + tenant,
            new TenantErased(tenant.toString())));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TenantTraces.find(pool, List.of("workflow_worker"), List.of(tenant.toString()))
                    .isEmpty());
    assertThat(rows.exists("conversation", chat)).isFalse();
    assertThat(rows.exists("workflow_run", run)).isFalse();
    assertThat(rows.exists("conversation", otherChat)).isTrue();
    assertThat(
            rows.count(
                "SELECT 1 FROM erased_tenant WHERE digest = $1",
                TenantErasure.digest(tenant.toString())))
        .isEqualTo(1);

    // an event of the tenant that comes after: not applied, not even recorded
    retention(tenant, 60);
    retention(other, 60);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows.count("SELECT 1 FROM retention_policy WHERE tenant_id = $1", other) == 1);
    assertThat(TenantTraces.find(pool, List.of("workflow_worker"), List.of(tenant.toString())))
        .isEmpty();
  }

  private void retention(UUID tenant, int days) throws Exception {
    EventTriggersTest.publish(
        bootstrap,
        CloudEvent.of(
            EventType.RETENTION_CHANGED,
            "/auth-service",
            tenant.toString(),
            "tenant/" + tenant + "/retention",
            new RetentionChanged(tenant.toString(), days, days, null, null, null, "owner")));
  }

  private static void at(Instant instant) {
    QuarkusMock.installMockForType(RetentionClock.at(instant), RetentionClock.class);
  }

  private UUID conversation(UUID tenant, Instant lastActive) {
    UUID id = UUID.randomUUID();
    OffsetDateTime at = OffsetDateTime.ofInstant(lastActive, ZoneOffset.UTC);
    rows.update(
        "INSERT INTO conversation (id, tenant_id, user_id, title, created_at, updated_at)"
            + " VALUES ($1, $2, 'someone', 'Descaling', $3, $3)",
        Tuple.of(id, tenant, at));
    for (int seq = 0; seq < 2; seq++) {
      rows.update(
          "INSERT INTO message (id, conversation_id, tenant_id, seq, role, content, created_at)"
              + " VALUES ($1, $2, $3, $4, $5, 'text', $6)",
          Tuple.tuple()
              .addUUID(UUID.randomUUID())
              .addUUID(id)
              .addUUID(tenant)
              .addInteger(seq)
              .addString(seq == 0 ? "user" : "assistant")
              .addOffsetDateTime(at));
    }
    return id;
  }

  private UUID workflow(UUID tenant) {
    UUID id = UUID.randomUUID();
    rows.update(
        "INSERT INTO workflow (id, tenant_id, name, version, owner_id) VALUES ($1, $2, 'w', 1, 'o')",
        Tuple.of(id, tenant));
    return id;
  }

  private UUID run(UUID tenant, UUID workflow, String status, Instant finished) {
    UUID id = UUID.randomUUID();
    OffsetDateTime end =
        finished == null ? null : OffsetDateTime.ofInstant(finished, ZoneOffset.UTC);
    OffsetDateTime start =
        OffsetDateTime.ofInstant(
            (finished == null ? Instant.now().minus(Duration.ofDays(500)) : finished)
                .minusSeconds(60),
            ZoneOffset.UTC);
    rows.update(
        "INSERT INTO workflow_run (id, tenant_id, workflow_id, version, status, trigger_data,"
            + " started_by, created_at, finished_at) VALUES ($1, $2, $3, 1, $4, '{}', 'o', $5, $6)",
        Tuple.of(id, tenant, workflow, status, start, end));
    rows.update(
        "INSERT INTO step_run (id, run_id, tenant_id, seq, step_id, type, status, attempts,"
            + " started_at, finished_at) VALUES ($1, $2, $3, 0, 's', 'notify', $4, 1, $5, $5)",
        Tuple.of(
            UUID.randomUUID(),
            id,
            tenant,
            "waiting".equals(status) ? "waiting" : "succeeded",
            start));
    return id;
  }
}
