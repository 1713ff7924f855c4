package io.smbcopilot.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.specification.RequestSpecification;
import io.smbcopilot.auth.service.ErasureService;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.outbox.TenantErasure;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.Rows;
import io.smbcopilot.testing.TenantTraces;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A tenant's erasure in auth-service (real PostgreSQL and Kafka): an owner asks with the business's
 * name, may cancel within the grace period; once it is due (a clock the test moves), nothing of the
 * tenant is left in the schema (its id, name, people's ids and emails, searched in every table),
 * the other services are told (tenant-erased), and only that an erasure happened stays.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "auth-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class ErasureTest {
  @Inject Pool pool;

  private Rows rows;

  @org.junit.jupiter.api.BeforeEach
  void rows() {
    rows = new Rows(pool);
  }

  @Inject ErasureService erasures;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  @Test
  void anOwnerAsksWithTheNameMayCancelAndWhenDueNothingOfTheTenantIsLeft() throws Throwable {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    IdentityTestSupport other = IdentityTestSupport.tenant(pool);
    String name = "Tenant " + tenant.id;
    String member = tenant.member("member-" + tenant.id, "member");
    String owner = tenant.ownerToken();
    as(owner)
        .body(
            Map.of(
                "name",
                "ops-" + tenant.id.toString().substring(0, 8),
                "permissions",
                List.of("search")))
        .post("/api/v1/roles")
        .then()
        .statusCode(201);
    as(owner)
        .body(Map.of("name", "ci of " + name, "scopes", List.of("search")))
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201);
    as(owner)
        .body(Map.of("auditLogDays", 90))
        .put("/api/v1/tenant/retention")
        .then()
        .statusCode(200);

    // a wrong name, someone without tenant:manage, or nothing asked yet: nothing changes
    as(owner)
        .body(Map.of("confirm", "Tenant"))
        .delete("/api/v1/tenant")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("errors[0].field", containsString("confirm"));
    as(tenant.token("admin-" + tenant.id, "admin"))
        .body(Map.of("confirm", name))
        .delete("/api/v1/tenant")
        .then()
        .statusCode(403);
    as(owner).get("/api/v1/tenant/erasure").then().statusCode(404);
    as(owner).delete("/api/v1/tenant/erasure").then().statusCode(404);

    at(now);
    String erasesAt =
        as(owner)
            .body(Map.of("confirm", name))
            .delete("/api/v1/tenant")
            .then()
            .statusCode(202)
            .body("requestedBy", equalTo(tenant.owner()))
            .extract()
            .path("erasesAt");
    assertThat(Duration.between(now, OffsetDateTime.parse(erasesAt).toInstant()))
        .isEqualTo(Duration.ofDays(14));
    as(owner).body(Map.of("confirm", name)).delete("/api/v1/tenant").then().statusCode(409);
    as(owner).delete("/api/v1/tenant/erasure").then().statusCode(204);
    as(owner).get("/api/v1/tenant/erasure").then().statusCode(404);
    at(now.plus(Duration.ofDays(20)));
    assertThat(VertxContextSupport.subscribeAndAwait(() -> erasures.eraseDue())).isZero();
    assertThat(tenantExists(tenant.id)).isTrue(); // cancelled: nothing happens

    at(now);
    as(owner).body(Map.of("confirm", name)).delete("/api/v1/tenant").then().statusCode(202);
    as(owner)
        .get("/api/v1/tenant/erasure")
        .then()
        .statusCode(200)
        .body("erasesAt", equalTo(erasesAt));
    assertThat(tenant.audit("tenant.erasure-*"))
        .containsExactly( // newest first; asking twice is refused, and audited so
            "tenant.erasure-requested:success",
            "tenant.erasure-cancelled:success",
            "tenant.erasure-requested:denied",
            "tenant.erasure-requested:success");

    // a day before it is due: nothing yet
    at(now.plus(Duration.ofDays(13)));
    VertxContextSupport.subscribeAndAwait(() -> erasures.eraseDue());
    assertThat(tenantExists(tenant.id)).isTrue();

    at(now.plus(Duration.ofDays(14)).plusSeconds(1));
    assertThat(VertxContextSupport.subscribeAndAwait(() -> erasures.eraseDue())).isEqualTo(1);
    assertThat(tenantExists(tenant.id)).isFalse();
    assertThat(tenantExists(other.id)).isTrue();
    List<String> needles =
        List.of(
            tenant.id.toString(),
            name,
            tenant.owner(),
            tenant.owner() + "@example.test",
            member,
            member + "@example.test");
    // the relay publishes the tenant-erased event and deletes it from the outbox
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> TenantTraces.find(pool, List.of("auth_service"), needles).isEmpty());
    assertThat(TenantTraces.tables(pool, List.of("auth_service"))).isGreaterThan(8);
    // the other tenant is whole
    assertThat(TenantTraces.find(pool, List.of("auth_service"), List.of(other.id.toString())))
        .isNotEmpty();
    // only that an erasure happened stays, under the digest of the id
    String digest = TenantErasure.digest(tenant.id.toString());
    assertThat(rows.count("SELECT 1 FROM tenant_erasure WHERE tenant_digest = $1", digest))
        .isEqualTo(1);
    assertThat(rows.count("SELECT 1 FROM erased_tenant WHERE digest = $1", digest)).isEqualTo(1);

    List<CloudEvent> told = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "erasure-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.IDENTITY));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  CloudEvent e = KafkaCloudEvents.fromRecord(r);
                  if (tenant.id.toString().equals(e.tenantId())
                      && e.type().equals(EventType.TENANT_ERASED.typeName())) {
                    told.add(e);
                  }
                }
                return !told.isEmpty();
              });
    }
    assertThat(told).hasSize(1);

    // nothing is due any more
    assertThat(VertxContextSupport.subscribeAndAwait(() -> erasures.eraseDue())).isZero();
  }

  private static void at(Instant instant) {
    QuarkusMock.installMockForType(RetentionClock.at(instant), RetentionClock.class);
  }

  private boolean tenantExists(UUID id) {
    return rows.count("SELECT 1 FROM tenant WHERE id = $1", id) == 1;
  }
}
