package io.smbcopilot.auth;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.Permission;
import io.smbcopilot.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant made straight in the database (sign-up needs Keycloak, which the edge acceptance test
 * covers), and callers of it with the permissions of their built-in role.
 */
final class IdentityTestSupport {
  static final List<String> OWNER =
      Arrays.stream(Permission.values()).map(Permission::value).toList();
  static final List<String> ADMIN = OWNER.stream().filter(p -> !p.equals("tenant:manage")).toList();
  static final List<String> MEMBER =
      List.of(
          "documents:read",
          "documents:write",
          "search",
          "copilot:ask",
          "workflows:read",
          "workflows:run",
          "notifications:read");
  static final Map<String, List<String>> ROLES =
      Map.of("owner", OWNER, "admin", ADMIN, "member", MEMBER);

  final UUID id = UUID.randomUUID();
  private final Pool pool;

  private IdentityTestSupport(Pool pool) {
    this.pool = pool;
  }

  /** A tenant with one owner, {@code owner-<tenant>}. */
  static IdentityTestSupport tenant(Pool pool) {
    IdentityTestSupport tenant = new IdentityTestSupport(pool);
    pool.preparedQuery("INSERT INTO tenant (id, name, plan) VALUES ($1, $2, 'team')")
        .execute(Tuple.of(tenant.id, "Tenant " + tenant.id))
        .await()
        .atMost(Duration.ofSeconds(10));
    tenant.member(tenant.owner(), "owner");
    return tenant;
  }

  String owner() {
    return "owner-" + id;
  }

  /** Adds a member with a role; returns the user id. */
  String member(String userId, String role) {
    pool.preparedQuery(
            "INSERT INTO membership (tenant_id, user_id, role, email, display_name)"
                + " VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(id, userId, role, userId + "@example.test", "Person " + userId))
        .await()
        .atMost(Duration.ofSeconds(10));
    return userId;
  }

  /** A token of the user with the given role's permissions. */
  String token(String userId, String role) {
    return TestTokens.get().user(id, userId, role, ROLES.get(role));
  }

  String ownerToken() {
    return token(owner(), "owner");
  }

  static String serviceToken() {
    return TestTokens.get().sign(InternalToken.service("api-gateway", "test-" + UUID.randomUUID()));
  }

  /** The audit log's actions for this tenant, newest first, with their results. */
  List<String> audit(String action) {
    return given()
        .header("Authorization", "Bearer " + ownerToken())
        .queryParam("action", action)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.collect { it.action + ':' + it.result }", String.class);
  }

  static ValidatableResponse verifyKey(String key) {
    return given()
        .header("Authorization", "Bearer " + serviceToken())
        .contentType("application/json")
        .body(Map.of("key", key))
        .post("/internal/v1/api-keys/verify")
        .then();
  }
}
