package io.smbcopilot.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.specification.RequestSpecification;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.outbox.Retention;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A tenant's retention settings (real PostgreSQL and Kafka): an owner sets them, the change is
 * audited and told to the services; bad values change nothing; the sweep deletes the audit entries
 * past their tenant's limit, at the time of a clock the test moves, and nothing else (the log stays
 * append-only for everyone else).
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "auth-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class RetentionTest {
  @Inject Pool pool;
  @Inject Retention retention;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  @Test
  void anOwnerSetsTheRetentionItIsAuditedAndToldAndBadValuesChangeNothing() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    as(tenant.ownerToken())
        .get("/api/v1/tenant/retention")
        .then()
        .statusCode(200)
        .body("conversationsDays", nullValue())
        .body("auditLogDays", nullValue())
        .body("updatedAt", nullValue());
    as(tenant.ownerToken())
        .body(Map.of("conversationsDays", 90, "deliveriesDays", 30, "auditLogDays", 365))
        .put("/api/v1/tenant/retention")
        .then()
        .statusCode(200)
        .body("conversationsDays", equalTo(90))
        .body("runsDays", nullValue())
        .body("deliveriesDays", equalTo(30))
        .body("auditLogDays", equalTo(365))
        .body("updatedBy", equalTo(tenant.owner()));

    // out of range, of the wrong type, or from someone without tenant:manage: nothing changes
    for (String bad :
        List.of(
            "{\"auditLogDays\": 0}",
            "{\"runsDays\": 3651}",
            "{\"runsDays\": \"thirty\"}",
            "{\"runsDays\": 1.5}",
            "[]")) {
      as(tenant.ownerToken())
          .body(bad)
          .put("/api/v1/tenant/retention")
          .then()
          .statusCode(400)
          .contentType(containsString("application/problem+json"));
    }
    as(tenant.token("admin-" + tenant.id, "admin"))
        .body(Map.of("auditLogDays", 1))
        .put("/api/v1/tenant/retention")
        .then()
        .statusCode(403);
    as(tenant.ownerToken())
        .get("/api/v1/tenant/retention")
        .then()
        .statusCode(200)
        .body("conversationsDays", equalTo(90))
        .body("auditLogDays", equalTo(365));
    assertThat(tenant.audit("tenant.retention-changed"))
        .containsExactly("tenant.retention-changed:success");

    List<CloudEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "retention-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.IDENTITY));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  CloudEvent e = KafkaCloudEvents.fromRecord(r);
                  if (tenant.id.toString().equals(e.tenantId())) {
                    events.add(e);
                  }
                }
                return !events.isEmpty();
              });
    }
    assertThat(events)
        .extracting(CloudEvent::type)
        .containsExactly(EventType.RETENTION_CHANGED.typeName());
    assertThat(events.get(0).data().path("conversationsDays").asInt()).isEqualTo(90);
    assertThat(events.get(0).data().path("runsDays").isNull()).isTrue();
    assertThat(events.get(0).data().path("auditLogDays").asInt()).isEqualTo(365);
  }

  @Test
  void theSweepDeletesTheAuditEntriesPastTheirTenantsRetentionAtTheClocksTime() throws Throwable {
    Instant now = Instant.now();
    IdentityTestSupport kept = IdentityTestSupport.tenant(pool);
    IdentityTestSupport swept = IdentityTestSupport.tenant(pool);
    as(swept.ownerToken())
        .body(Map.of("auditLogDays", 30))
        .put("/api/v1/tenant/retention")
        .then()
        .statusCode(200);
    UUID old = entry(swept.id, now.minus(Duration.ofDays(40)));
    UUID young = entry(swept.id, now.minus(Duration.ofDays(10)));
    UUID keptOld = entry(kept.id, now.minus(Duration.ofDays(400)));

    at(now);
    Map<String, Long> deleted = VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(deleted.get("audit-log")).isGreaterThanOrEqualTo(1L);
    assertThat(exists(old)).isFalse();
    assertThat(exists(young)).isTrue();
    assertThat(exists(keptOld)).isTrue(); // no retention set: kept for ever
    // the change of the settings (today) stays
    assertThat(swept.audit("tenant.retention-changed")).hasSize(1);

    // 25 days later the young entry is 35 days old, and the settings' change still young
    at(now.plus(Duration.ofDays(25)));
    VertxContextSupport.subscribeAndAwait(() -> retention.sweep());
    assertThat(exists(young)).isFalse();
    assertThat(exists(keptOld)).isTrue();
    assertThat(swept.audit("tenant.retention-changed")).hasSize(1);

    // nobody else deletes or changes an entry
    assertThatThrownBy(
            () ->
                pool.preparedQuery("DELETE FROM audit_event WHERE id = $1")
                    .execute(Tuple.of(keptOld))
                    .await()
                    .atMost(Duration.ofSeconds(10)))
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () ->
                pool.preparedQuery("UPDATE audit_event SET actor_id = 'x' WHERE id = $1")
                    .execute(Tuple.of(keptOld))
                    .await()
                    .atMost(Duration.ofSeconds(10)))
        .hasMessageContaining("append-only");
    assertThat(exists(keptOld)).isTrue();
  }

  private static void at(Instant instant) {
    QuarkusMock.installMockForType(RetentionClock.at(instant), RetentionClock.class);
  }

  private UUID entry(UUID tenant, Instant at) {
    UUID id = UUID.randomUUID();
    pool.preparedQuery(
            "INSERT INTO audit_event (id, tenant_id, occurred_at, actor_id, actor_type, action,"
                + " target_type, result) VALUES ($1, $2, $3, 'someone', 'user', 'member.joined',"
                + " 'member', 'success')")
        .execute(Tuple.of(id, tenant, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
        .await()
        .atMost(Duration.ofSeconds(10));
    return id;
  }

  private boolean exists(UUID id) {
    return pool.preparedQuery("SELECT 1 FROM audit_event WHERE id = $1")
            .execute(Tuple.of(id))
            .await()
            .atMost(Duration.ofSeconds(10))
            .size()
        == 1;
  }
}
