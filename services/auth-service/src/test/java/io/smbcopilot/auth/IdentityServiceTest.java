package io.smbcopilot.auth;

import static io.restassured.RestAssured.given;
import static io.smbcopilot.auth.IdentityTestSupport.verifyKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
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
 * auth-service's own behaviour on the real PostgreSQL and Kafka: members, invitations, roles, API
 * keys, the audit log and what the gateway asks. Tenants are made in the database (sign-up and
 * invitation acceptance need Keycloak: the edge acceptance test covers them).
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "auth-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class IdentityServiceTest {

  @Inject Pool pool;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  @Test
  void membersArePagedByUserIdAndOnlyTheTenantsOwn() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    for (int i = 0; i < 4; i++) {
      tenant.member("m" + i + "-" + tenant.id, "member");
    }
    IdentityTestSupport other = IdentityTestSupport.tenant(pool);
    List<String> seen = new ArrayList<>();
    String cursor = "";
    do {
      JsonPath page =
          as(tenant.ownerToken())
              .queryParam("limit", 2)
              .queryParam("cursor", cursor)
              .get("/api/v1/members")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      seen.addAll(page.getList("items.userId", String.class));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).hasSize(5).isSorted().doesNotContain(other.owner());
    as(tenant.ownerToken())
        .get("/api/v1/members/" + other.owner())
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void anInvitationIsMadeOnceListedAndCancelled() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String id =
        as(tenant.ownerToken())
            .body(Map.of("email", "New.Person@Example.test", "role", "member"))
            .post("/api/v1/members")
            .then()
            .statusCode(201)
            .body("email", equalTo("new.person@example.test"))
            .body("acceptToken", notNullValue())
            .body("expiresAt", notNullValue())
            .extract()
            .path("id");
    // a second invitation to the same address replaces the first
    as(tenant.ownerToken())
        .body(Map.of("email", "new.person@example.test", "role", "admin"))
        .post("/api/v1/members")
        .then()
        .statusCode(201);
    as(tenant.ownerToken())
        .get("/api/v1/members/invitations")
        .then()
        .statusCode(200)
        .body("", hasSize(1))
        .body("[0].role", equalTo("admin"))
        .body("[0].acceptToken", nullValue());
    as(tenant.ownerToken()).delete("/api/v1/members/invitations/" + id).then().statusCode(404);
    String second =
        as(tenant.ownerToken()).get("/api/v1/members/invitations").then().extract().path("[0].id");
    as(tenant.ownerToken()).delete("/api/v1/members/invitations/" + second).then().statusCode(204);
    as(tenant.ownerToken())
        .get("/api/v1/members/invitations")
        .then()
        .statusCode(200)
        .body("", hasSize(0));
    assertThat(tenant.audit("member.*"))
        .containsExactly(
            "member.invitation-cancelled:success",
            "member.invited:success",
            "member.invited:success");
  }

  @Test
  void invitationsThatWouldEscalateOrCollideAreRefusedAndTheRefusalIsAudited() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    // an admin cannot hand out owner, which has tenant:manage
    as(tenant.token(admin, "admin"))
        .body(Map.of("email", "x@example.test", "role", "owner"))
        .post("/api/v1/members")
        .then()
        .statusCode(403)
        .body("detail", containsString("tenant:manage"));
    as(tenant.ownerToken())
        .body(Map.of("email", "x@example.test", "role", "no-such-role"))
        .post("/api/v1/members")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("role"));
    as(tenant.ownerToken())
        .body(Map.of("email", admin + "@example.test", "role", "member"))
        .post("/api/v1/members")
        .then()
        .statusCode(409);
    assertThat(tenant.audit("member.invited"))
        .containsExactly("member.invited:denied", "member.invited:denied");
    as(tenant.ownerToken()).get("/api/v1/members/invitations").then().body("", hasSize(0));
  }

  @Test
  void rolesChangeWithinTheActorsPermissionsAndTheLastOwnerStays() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    String member = tenant.member("member-" + tenant.id, "member");
    as(tenant.token(admin, "admin"))
        .body(Map.of("role", "viewer"))
        .patch("/api/v1/members/" + member)
        .then()
        .statusCode(200)
        .body("role", equalTo("viewer"));
    // an admin cannot touch the owner, whose role has tenant:manage
    as(tenant.token(admin, "admin"))
        .body(Map.of("role", "member"))
        .patch("/api/v1/members/" + tenant.owner())
        .then()
        .statusCode(403);
    as(tenant.ownerToken())
        .body(Map.of("role", "admin"))
        .patch("/api/v1/members/" + tenant.owner())
        .then()
        .statusCode(409)
        .body("detail", containsString("last owner"));
    as(tenant.ownerToken()).delete("/api/v1/members/" + tenant.owner()).then().statusCode(409);
    // with a second owner, the first may step down
    as(tenant.ownerToken())
        .body(Map.of("role", "owner"))
        .patch("/api/v1/members/" + admin)
        .then()
        .statusCode(200);
    as(tenant.ownerToken())
        .body(Map.of("role", "admin"))
        .patch("/api/v1/members/" + tenant.owner())
        .then()
        .statusCode(200)
        .body("role", equalTo("admin"));
    assertThat(tenant.audit("member.role-changed"))
        .containsExactly(
            "member.role-changed:success",
            "member.role-changed:success",
            "member.role-changed:denied",
            "member.role-changed:denied",
            "member.role-changed:success");
  }

  /** The secret of an API key for search, made by the caller of the token. */
  private String searchKey(String token) {
    return as(token)
        .body(Map.of("name", "their key", "scopes", List.of("search")))
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("secret");
  }

  @Test
  void aRemovedMembersKeysAreRevokedAndTheyAreGone() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    String key = searchKey(tenant.token(admin, "admin"));
    verifyKey(key).statusCode(200);
    as(tenant.ownerToken()).delete("/api/v1/members/" + admin).then().statusCode(204);
    as(tenant.ownerToken()).get("/api/v1/members/" + admin).then().statusCode(404);
    verifyKey(key).statusCode(401);
    assertThat(tenant.audit("api-key.revoked")).containsExactly("api-key.revoked:success");
    as(tenant.ownerToken()).get("/api/v1/api-keys").then().body("[0].status", equalTo("revoked"));
  }

  @Test
  void customRolesAreMadeFromTheCatalogWithinTheActorsPermissions() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    as(tenant.token(admin, "admin"))
        .body(
            Map.of(
                "name",
                "auditor",
                "description",
                "reads the log",
                "permissions",
                List.of("audit:read", "documents:read", "audit:read")))
        .post("/api/v1/roles")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/v1/roles/auditor"))
        .body("permissions", equalTo(List.of("audit:read", "documents:read")))
        .body("builtin", equalTo(false));
    as(tenant.token(admin, "admin"))
        .body(Map.of("name", "auditor", "permissions", List.of("audit:read")))
        .post("/api/v1/roles")
        .then()
        .statusCode(409);
    as(tenant.token(admin, "admin"))
        .body(Map.of("name", "boss", "permissions", List.of("tenant:manage")))
        .post("/api/v1/roles")
        .then()
        .statusCode(403);
    as(tenant.token(admin, "admin"))
        .body(Map.of("name", "odd", "permissions", List.of("coffee:make")))
        .post("/api/v1/roles")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("permissions"));
    as(tenant.token(admin, "admin"))
        .body(Map.of("name", "Bad Name", "permissions", List.of("search")))
        .post("/api/v1/roles")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("name"));
    as(tenant.ownerToken())
        .body(Map.of("permissions", List.of("audit:read")))
        .put("/api/v1/roles/auditor")
        .then()
        .statusCode(200)
        .body("permissions", equalTo(List.of("audit:read")))
        .body("description", equalTo("reads the log"));
    as(tenant.ownerToken())
        .body(Map.of("permissions", List.of("search")))
        .put("/api/v1/roles/viewer")
        .then()
        .statusCode(409);
    // another tenant neither sees it nor can give it out
    IdentityTestSupport other = IdentityTestSupport.tenant(pool);
    as(other.ownerToken()).get("/api/v1/roles/auditor").then().statusCode(404);
    as(other.ownerToken())
        .get("/api/v1/roles")
        .then()
        .body("name", containsInAnyOrder("owner", "admin", "member", "viewer"));

    // held roles stay; a role nobody holds goes
    String holder = tenant.member("holder-" + tenant.id, "auditor");
    as(tenant.ownerToken()).delete("/api/v1/roles/auditor").then().statusCode(409);
    as(tenant.ownerToken()).delete("/api/v1/members/" + holder).then().statusCode(204);
    as(tenant.ownerToken()).delete("/api/v1/roles/auditor").then().statusCode(204);
    as(tenant.ownerToken()).delete("/api/v1/roles/admin").then().statusCode(409);
    assertThat(tenant.audit("role.*"))
        .containsExactly("role.deleted:success", "role.updated:success", "role.created:success");
  }

  @Test
  void anApiKeyIsShownOnceVerifiedByItsHashAndStopsWhenRevoked() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    JsonPath created =
        as(tenant.ownerToken())
            .body(Map.of("name", " partner ", "scopes", List.of("search", "documents:read")))
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .body("secret", startsWith("smbc_"))
            .body("name", equalTo("partner"))
            .body("status", equalTo("active"))
            .extract()
            .jsonPath();
    String key = created.getString("secret");
    String id = created.getString("id");
    verifyKey(key)
        .statusCode(200)
        .body("tenantId", equalTo(tenant.id.toString()))
        .body("plan", equalTo("team"))
        .body("scopes", equalTo(List.of("search", "documents:read")))
        .body("createdBy", equalTo(tenant.owner()));
    // right prefix, wrong secret; malformed
    verifyKey(key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A")).statusCode(401);
    verifyKey("smbc_nope").statusCode(401);
    as(tenant.ownerToken())
        .get("/api/v1/api-keys/" + id)
        .then()
        .statusCode(200)
        .body("secret", nullValue())
        .body("lastUsedAt", notNullValue());
    as(tenant.ownerToken())
        .body(
            Map.of(
                "name",
                "late",
                "scopes",
                List.of("search"),
                "expiresAt",
                OffsetDateTime.now().minusMinutes(1).toString()))
        .post("/api/v1/api-keys")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("expiresAt"));
    as(tenant.ownerToken()).delete("/api/v1/api-keys/" + id).then().statusCode(204);
    as(tenant.ownerToken()).delete("/api/v1/api-keys/" + id).then().statusCode(204);
    verifyKey(key).statusCode(401);
    IdentityTestSupport other = IdentityTestSupport.tenant(pool);
    as(other.ownerToken()).delete("/api/v1/api-keys/" + id).then().statusCode(404);
    assertThat(tenant.audit("api-key.*"))
        .containsExactly("api-key.revoked:success", "api-key.created:success");
  }

  @Test
  void anExpiredKeyIsRefused() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    JsonPath created =
        as(tenant.ownerToken())
            .body(
                Map.of(
                    "name",
                    "short",
                    "scopes",
                    List.of("search"),
                    "expiresAt",
                    OffsetDateTime.now().plusMinutes(5).toString()))
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    verifyKey(created.getString("secret")).statusCode(200);
    pool.preparedQuery("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(created.getString("id"))))
        .await()
        .atMost(Duration.ofSeconds(10));
    verifyKey(created.getString("secret")).statusCode(401);
  }

  @Test
  void theGatewayLearnsAUsersTenantPlanAndPermissionsFromTheirRole() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String viewer = tenant.member("viewer-" + tenant.id, "viewer");
    as(IdentityTestSupport.serviceToken())
        .get("/internal/v1/principals/users/" + viewer)
        .then()
        .statusCode(200)
        .body("tenantId", equalTo(tenant.id.toString()))
        .body("tenantName", equalTo("Tenant " + tenant.id))
        .body("plan", equalTo("team"))
        .body("roles", equalTo(List.of("viewer")))
        .body("permissions", hasItem("copilot:ask"))
        .body("permissions", not(hasItem("documents:write")));
    as(IdentityTestSupport.serviceToken())
        .get("/internal/v1/principals/users/nobody-" + tenant.id)
        .then()
        .statusCode(404);
    // only platform services may ask
    as(tenant.ownerToken()).get("/internal/v1/principals/users/" + viewer).then().statusCode(403);
  }

  @Test
  void eachChangeIsAnnouncedOnKafkaAndARefusedOneIsNot() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String member = tenant.member("member-" + tenant.id, "member");
    as(tenant.ownerToken())
        .body(Map.of("role", "viewer"))
        .patch("/api/v1/members/" + member)
        .then()
        .statusCode(200);
    as(tenant.ownerToken())
        .body(Map.of("role", "admin"))
        .patch("/api/v1/members/" + tenant.owner())
        .then()
        .statusCode(409);
    as(tenant.ownerToken())
        .body(Map.of("name", "ci", "scopes", List.of("search")))
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201);
    List<CloudEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "auth-test-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.IDENTITY));
      await().atMost(Duration.ofSeconds(60)).until(() -> poll(consumer, tenant, events) >= 2);
      // and nothing more: the refused demotion announced nothing
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> poll(consumer, tenant, events) == 2);
    }
    assertThat(events)
        .extracting(CloudEvent::type)
        .containsExactly(EventType.MEMBER_CHANGED.typeName(), EventType.API_KEY_CHANGED.typeName());
    assertThat(events.get(0).data().path("change").asText()).isEqualTo("role-changed");
    assertThat(events.get(0).data().path("role").asText()).isEqualTo("viewer");
    assertThat(events.get(1).data().path("change").asText()).isEqualTo("created");
    assertThat(events).allSatisfy(e -> assertThat(e.source()).isEqualTo("/auth-service"));
  }

  /** Adds what one poll brings of the tenant's events; answers how many there are now. */
  private static int poll(
      KafkaConsumer<String, byte[]> consumer, IdentityTestSupport tenant, List<CloudEvent> events) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      CloudEvent event = KafkaCloudEvents.fromRecord(record);
      if (tenant.id.toString().equals(event.tenantId())) {
        events.add(event);
      }
    }
    return events.size();
  }

  @Test
  void aPersonLeavesTheBusinessTheirKeysStopAndTheLastOwnerCannotLeave() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String member = tenant.member("member-" + tenant.id, "member");
    String admin = tenant.member("admin-" + tenant.id, "admin");
    String key = searchKey(tenant.token(admin, "admin"));
    // a key does not leave: only a person
    String keyToken =
        io.smbcopilot.testing.TestTokens.get()
            .sign(
                new io.smbcopilot.security.InternalToken(
                    tenant.id.toString(),
                    UUID.randomUUID().toString(),
                    io.smbcopilot.security.PrincipalType.API_KEY,
                    List.of(),
                    List.of("search"),
                    List.of("search"),
                    "test-" + UUID.randomUUID(),
                    "127.0.0.1",
                    "team"));
    as(keyToken).delete("/api/v1/me/membership").then().statusCode(403);

    as(tenant.token(member, "member")).delete("/api/v1/me/membership").then().statusCode(204);
    as(tenant.token(admin, "admin")).delete("/api/v1/me/membership").then().statusCode(204);
    as(tenant.ownerToken()).get("/api/v1/members/" + member).then().statusCode(404);
    as(tenant.ownerToken()).get("/api/v1/members/" + admin).then().statusCode(404);
    verifyKey(key).statusCode(401);
    // once gone, leaving again finds no membership
    as(tenant.token(member, "member")).delete("/api/v1/me/membership").then().statusCode(404);
    // the only owner stays, and is told why
    as(tenant.ownerToken())
        .delete("/api/v1/me/membership")
        .then()
        .statusCode(409)
        .body("detail", containsString("the last owner cannot leave"));
    as(tenant.ownerToken()).get("/api/v1/members/" + tenant.owner()).then().statusCode(200);
    assertThat(tenant.audit("member.left"))
        .containsExactly("member.left:denied", "member.left:success", "member.left:success");
  }

  @Test
  void meSaysWhoIsCalling() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    as(tenant.ownerToken())
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("principalType", equalTo("user"))
        .body("user.id", equalTo(tenant.owner()))
        .body("user.email", equalTo(tenant.owner() + "@example.test"))
        .body("tenant.plan", equalTo("team"))
        .body("apiKey", nullValue());
  }

  @Test
  void aFormerMembersIdAndAddressBecomeAPseudonymAndTheEntriesStay() {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    String email = admin + "@example.test";
    searchKey(tenant.token(admin, "admin"));
    String path = "/api/v1/members/" + admin + "/pseudonymisation";
    // a member is removed first
    as(tenant.ownerToken()).post(path).then().statusCode(409);
    as(tenant.ownerToken()).delete("/api/v1/members/" + admin).then().statusCode(204);
    // two people gone, newest first, a page at a time; the members are not among them
    String other = tenant.member("gone-" + tenant.id, "member");
    as(tenant.ownerToken()).delete("/api/v1/members/" + other).then().statusCode(204);
    String next =
        as(tenant.ownerToken())
            .get("/api/v1/members/former?limit=1")
            .then()
            .statusCode(200)
            .body("items.userId", org.hamcrest.Matchers.contains(other))
            .body("items[0].email", equalTo(other + "@example.test"))
            .body("items[0].how", equalTo("removed"))
            .body("items[0].at", notNullValue())
            .extract()
            .path("nextCursor");
    String last =
        as(tenant.ownerToken())
            .get("/api/v1/members/former?limit=1&cursor=" + next)
            .then()
            .statusCode(200)
            .body("items.userId", org.hamcrest.Matchers.contains(admin))
            .extract()
            .path("nextCursor");
    // a full page may have more: the next one says there is none
    as(tenant.ownerToken())
        .get("/api/v1/members/former?limit=1&cursor=" + last)
        .then()
        .statusCode(200)
        .body("items", hasSize(0))
        .body("nextCursor", nullValue());
    as(tenant.ownerToken())
        .get("/api/v1/members/former?cursor=bm90LWEtbnVtYmVy")
        .then()
        .statusCode(400)
        .body("detail", containsString("cursor"));
    as(tenant.token(admin, "member")).get("/api/v1/members/former").then().statusCode(403);
    long entries = auditEntries(tenant);

    String pseudonym =
        as(tenant.ownerToken())
            .post(path)
            .then()
            .statusCode(200)
            .body("rows.'audit_event.actor_id'", equalTo(1))
            .body("rows.'api_key.created_by'", equalTo(1))
            .extract()
            .path("pseudonym");
    assertThat(pseudonym).matches("former-member-[0-9a-f]{12}");
    // every entry stays, under the pseudonym, and one more says it was done
    assertThat(auditEntries(tenant)).isEqualTo(entries + 1);
    as(tenant.ownerToken())
        .get("/api/v1/audit-events?actor=" + pseudonym)
        .then()
        .body("items.action", containsInAnyOrder("api-key.created"))
        .body("items[0].ip", nullValue());
    as(tenant.ownerToken())
        .get("/api/v1/audit-events?action=member.pseudonymised")
        .then()
        .body("items[0].targetId", equalTo(pseudonym));
    as(tenant.ownerToken())
        .get("/api/v1/api-keys")
        .then()
        .body("[0].createdBy", equalTo(pseudonym));
    // nothing of them is left in this service's schema (the event naming them leaves the outbox)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                io.smbcopilot.testing.TenantTraces.find(
                        pool, List.of("auth_service"), List.of(admin, email))
                    .isEmpty());
    // done: nothing of them is found a second time, and they are no former member to list
    as(tenant.ownerToken()).post(path).then().statusCode(404);
    as(tenant.ownerToken())
        .get("/api/v1/members/former")
        .then()
        .body("items.userId", org.hamcrest.Matchers.contains(other));
    // and the audit log still refuses a change made any other way
    assertThat(
            org.junit.jupiter.api.Assertions.assertThrows(
                    Exception.class,
                    () ->
                        pool.preparedQuery(
                                "UPDATE audit_event SET actor_id = 'someone' WHERE tenant_id = $1")
                            .execute(Tuple.of(tenant.id))
                            .await()
                            .atMost(Duration.ofSeconds(10)))
                .getMessage())
        .contains("append-only");
  }

  private long auditEntries(IdentityTestSupport tenant) {
    return pool.preparedQuery("SELECT count(*) FROM audit_event WHERE tenant_id = $1")
        .execute(Tuple.of(tenant.id))
        .await()
        .atMost(Duration.ofSeconds(10))
        .iterator()
        .next()
        .getLong(0);
  }
}
