package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.edge.Edge.Response;
import io.smbcopilot.edge.Edge.User;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.smbcopilot.security.PrincipalType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Edge and identity, end to end on the packaged services with two gateway replicas, the real
 * Keycloak, PostgreSQL and Kafka.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeAcceptanceTest {
  private static Edge edge;

  /** The built-in roles as the issue defines them: the expectation, written independently. */
  static final Map<String, Set<String>> ROLES =
      Map.of(
          "owner",
          Set.of(
              "documents:read",
              "documents:write",
              "search",
              "copilot:ask",
              "workflows:read",
              "workflows:run",
              "workflows:manage",
              "notifications:read",
              "webhooks:manage",
              "members:manage",
              "api-keys:manage",
              "audit:read",
              "tenant:manage"),
          "admin",
          Set.of(
              "documents:read",
              "documents:write",
              "search",
              "copilot:ask",
              "workflows:read",
              "workflows:run",
              "workflows:manage",
              "notifications:read",
              "webhooks:manage",
              "members:manage",
              "api-keys:manage",
              "audit:read"),
          "member",
          Set.of(
              "documents:read",
              "documents:write",
              "search",
              "copilot:ask",
              "workflows:read",
              "workflows:run",
              "notifications:read"),
          "viewer",
          Set.of(
              "documents:read", "search", "copilot:ask", "workflows:read", "notifications:read"));

  /** One row of the policy table: a public route and the permission it needs (null: any). */
  record Rule(String method, String path, Supplier<String> body, String permission) {}

  static String uniq() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static final List<Rule> POLICY =
      List.of(
          new Rule("GET", "/api/v1/me", () -> null, null),
          new Rule("GET", "/api/v1/members", () -> null, "members:manage"),
          new Rule("GET", "/api/v1/members/nobody", () -> null, "members:manage"),
          new Rule("GET", "/api/v1/members/invitations", () -> null, "members:manage"),
          new Rule(
              "POST",
              "/api/v1/members",
              () -> "{\"email\":\"p-" + uniq() + "@edge.test\",\"role\":\"viewer\"}",
              "members:manage"),
          new Rule(
              "PATCH", "/api/v1/members/nobody", () -> "{\"role\":\"viewer\"}", "members:manage"),
          new Rule("DELETE", "/api/v1/members/nobody", () -> null, "members:manage"),
          new Rule(
              "DELETE",
              "/api/v1/members/invitations/" + UUID.randomUUID(),
              () -> null,
              "members:manage"),
          new Rule("GET", "/api/v1/roles", () -> null, "members:manage"),
          new Rule("GET", "/api/v1/roles/permissions", () -> null, "members:manage"),
          new Rule("GET", "/api/v1/roles/viewer", () -> null, "members:manage"),
          new Rule(
              "POST",
              "/api/v1/roles",
              () -> "{\"name\":\"r-" + uniq() + "\",\"permissions\":[\"search\"]}",
              "members:manage"),
          new Rule(
              "PUT",
              "/api/v1/roles/no-such-role",
              () -> "{\"permissions\":[\"search\"]}",
              "members:manage"),
          new Rule("DELETE", "/api/v1/roles/no-such-role", () -> null, "members:manage"),
          new Rule("GET", "/api/v1/api-keys", () -> null, "api-keys:manage"),
          new Rule(
              "POST",
              "/api/v1/api-keys",
              () -> "{\"name\":\"k\",\"scopes\":[\"search\"]}",
              "api-keys:manage"),
          new Rule("GET", "/api/v1/api-keys/" + UUID.randomUUID(), () -> null, "api-keys:manage"),
          new Rule(
              "DELETE", "/api/v1/api-keys/" + UUID.randomUUID(), () -> null, "api-keys:manage"),
          new Rule("GET", "/api/v1/audit-events", () -> null, "audit:read"),
          new Rule("GET", "/api/v1/notifications", () -> null, "notifications:read"),
          new Rule("GET", "/api/v1/notification-preferences", () -> null, "notifications:read"),
          new Rule("GET", "/api/v1/webhooks", () -> null, "webhooks:manage"),
          new Rule("GET", "/api/v1/collections", () -> null, "documents:read"),
          new Rule("POST", "/api/v1/collections", () -> "{}", "documents:write"),
          new Rule("GET", "/api/v1/documents", () -> null, "documents:read"),
          new Rule("POST", "/api/v1/documents", () -> "{}", "documents:write"),
          new Rule(
              "DELETE", "/api/v1/documents/" + UUID.randomUUID(), () -> null, "documents:write"),
          new Rule("POST", "/api/v1/search", () -> "{\"query\":\"x\"}", "search"),
          new Rule("POST", "/api/v1/copilot/ask", () -> "{\"question\":\"x\"}", "copilot:ask"),
          new Rule("GET", "/api/v1/workflows", () -> null, "workflows:read"),
          new Rule("POST", "/api/v1/workflows", () -> "{}", "workflows:manage"),
          new Rule("POST", "/api/v1/workflows/w1/runs", () -> "{}", "workflows:run"),
          new Rule("GET", "/api/v1/runs/r1", () -> null, "workflows:read"),
          new Rule("POST", "/api/v1/runs/r1/cancel", () -> "{}", "workflows:run"));

  @BeforeAll
  static void platform() throws Exception {
    edge = Edge.get();
  }

  @Test
  @Order(1)
  void signUpSignInAndMeThenAnInvitedMemberSeesTheSameTenant() {
    User owner = edge.signup("Acme Bakery");
    Response me = edge.call("GET", "/api/v1/me", owner.token(), null);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().at("/tenant/id").asText()).isEqualTo(owner.tenantId());
    assertThat(me.json().at("/tenant/name").asText()).isEqualTo("Acme Bakery");
    assertThat(me.json().at("/user/email").asText()).isEqualTo(owner.email());
    assertThat(me.json().get("roles").toString()).isEqualTo("[\"owner\"]");
    assertThat(me.json().get("permissions")).hasSize(13);

    User member = edge.invite(owner, "member");
    Response theirs = edge.call("GET", "/api/v1/me", member.token(), null);
    assertThat(theirs.status()).isEqualTo(200);
    assertThat(theirs.json().at("/tenant/id").asText()).isEqualTo(owner.tenantId());
    assertThat(theirs.json().get("roles").toString()).isEqualTo("[\"member\"]");
    assertThat(theirs.json().at("/user/id").asText()).isEqualTo(member.userId());

    Response members = edge.call("GET", "/api/v1/members", owner.token(), null);
    assertThat(members.json().get("items")).hasSize(2);
  }

  @Test
  @Order(2)
  void signUpRefusesAWeakPasswordByItsRuleAndATakenEmail() {
    Response weak =
        edge.call(
            "POST",
            "/api/v1/signup",
            null,
            "{\"tenantName\":\"W\",\"email\":\"weak-"
                + uniq()
                + "@edge.test\",\"password\":\"alllowercase1\",\"displayName\":\"W\"}");
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.header("Content-Type")).startsWith("application/problem+json");
    assertThat(weak.json().at("/errors/0/field").asText()).isEqualTo("password");
    assertThat(weak.json().at("/errors/0/message").asText()).contains("upper case");

    User owner = edge.signup("Taken Ltd");
    Response taken =
        edge.call(
            "POST",
            "/api/v1/signup",
            null,
            "{\"tenantName\":\"Again\",\"email\":\""
                + owner.email().toUpperCase()
                + "\",\"password\":\""
                + Edge.PASSWORD
                + "\",\"displayName\":\"X\"}");
    assertThat(taken.status()).isEqualTo(409);

    Response invalid =
        edge.call(
            "POST", "/api/v1/signup", null, "{\"tenantName\":\"\",\"email\":\"not-an-email\"}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body()).contains("email").contains("password").contains("displayName");
  }

  @Test
  @Order(3)
  void aFailureAfterTheKeycloakUserWasMadeLeavesNothingBehind() throws Exception {
    String email = "undo-" + uniq() + "@edge.test";
    try (Connection c = edge.database("auth-service");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE OR REPLACE FUNCTION edge_test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN RAISE EXCEPTION 'refused by the edge test'; END; $$");
      s.execute(
          "CREATE TRIGGER edge_test_refuse BEFORE INSERT ON tenant FOR EACH ROW"
              + " WHEN (NEW.name = 'Refused Ltd') EXECUTE FUNCTION edge_test_refuse()");
      try {
        Response r =
            edge.call(
                "POST",
                "/api/v1/signup",
                null,
                "{\"tenantName\":\"Refused Ltd\",\"email\":\""
                    + email
                    + "\",\"password\":\""
                    + Edge.PASSWORD
                    + "\",\"displayName\":\"U\"}");
        assertThat(r.status()).isGreaterThanOrEqualTo(500);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      } finally {
        s.execute("DROP TRIGGER edge_test_refuse ON tenant");
      }
      try (ResultSet rows =
          s.executeQuery(
              "SELECT (SELECT count(*) FROM tenant WHERE name = 'Refused Ltd')"
                  + " + (SELECT count(*) FROM membership WHERE email = '"
                  + email
                  + "')")) {
        rows.next();
        assertThat(rows.getLong(1)).as("tenant or membership rows").isZero();
      }
    }
    Response users =
        Edge.send(
            "GET",
            edge.keycloak + "/admin/realms/copilot/users?exact=true&email=" + email,
            null,
            "Authorization",
            "Bearer " + edge.adminToken());
    assertThat(users.json()).as("Keycloak users with that email").isEmpty();
    // and the email can sign up afterwards
    Response again =
        edge.call(
            "POST",
            "/api/v1/signup",
            null,
            "{\"tenantName\":\"Accepted Ltd\",\"email\":\""
                + email
                + "\",\"password\":\""
                + Edge.PASSWORD
                + "\",\"displayName\":\"U\"}");
    assertThat(again.status()).isEqualTo(201);
  }

  @Test
  @Order(4)
  void theWelcomeNotificationArrivesThroughKafka() {
    User owner = edge.signup("Welcome GmbH");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Response r = edge.call("GET", "/api/v1/notifications", owner.token(), null);
              return r.status() == 200 && r.json().get("items").size() == 1;
            });
    JsonNode welcome =
        edge.call("GET", "/api/v1/notifications", owner.token(), null).json().at("/items/0");
    assertThat(welcome.get("kind").asText()).isEqualTo("welcome");
    assertThat(welcome.get("title").asText()).contains("Owner of Welcome GmbH");
    assertThat(welcome.get("body").asText()).contains("Welcome GmbH");
  }

  @Test
  @Order(5)
  void everyPublicRouteForEveryBuiltInRoleFollowsThePolicyTable() throws Exception {
    User owner = edge.signup("Policy Co");
    edge.plan(owner.tenantId(), "business");
    Map<String, User> users =
        Map.of(
            "owner", owner,
            "admin", edge.invite(owner, "admin"),
            "member", edge.invite(owner, "member"),
            "viewer", edge.invite(owner, "viewer"));
    // the plan change reaches the gateway's principal cache: the business plan's burst shows
    await()
        .alias("every user's principal carries the business plan")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                users.values().stream()
                    .allMatch(
                        u ->
                            "1000"
                                .equals(
                                    edge.call("GET", "/api/v1/me", u.token(), null)
                                        .header("RateLimit-Limit"))));
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Rule rule : POLICY) {
      for (Map.Entry<String, User> role : users.entrySet()) {
        boolean allowed =
            rule.permission() == null || ROLES.get(role.getKey()).contains(rule.permission());
        Response r =
            edge.call(rule.method(), rule.path(), role.getValue().token(), rule.body().get());
        boolean refused = r.status() == 403;
        if (allowed == refused || r.status() == 401 || r.status() == 429 || r.status() >= 500) {
          wrong.add(
              rule.method()
                  + " "
                  + rule.path()
                  + " as "
                  + role.getKey()
                  + ": "
                  + r.status()
                  + " (expected "
                  + (allowed ? "allowed" : "403")
                  + ")");
        }
        if (refused) {
          assertThat(r.json().get("type").asText()).endsWith("/forbidden");
        }
        checked++;
      }
    }
    System.out.printf("edge: policy table, %d route x role checks%n", checked);
    assertThat(wrong).isEmpty();
  }

  @Test
  @Order(6)
  void anotherTenantsObjectsAnswer404ForEveryRouteThatTakesAnId() {
    User a = edge.signup("Tenant A");
    User b = edge.signup("Tenant B");
    User aMember = edge.invite(a, "member");
    String invitation =
        edge.call(
                "POST",
                "/api/v1/members",
                a.token(),
                "{\"email\":\"x-" + uniq() + "@edge.test\",\"role\":\"viewer\"}")
            .json()
            .get("id")
            .asText();
    String role = "a-role-" + uniq();
    assertThat(
            edge.call(
                    "POST",
                    "/api/v1/roles",
                    a.token(),
                    "{\"name\":\"" + role + "\",\"permissions\":[\"search\"]}")
                .status())
        .isEqualTo(201);
    String key =
        edge.call("POST", "/api/v1/api-keys", a.token(), "{\"name\":\"a\",\"scopes\":[\"search\"]}")
            .json()
            .get("id")
            .asText();
    List<String[]> calls =
        List.of(
            new String[] {"GET", "/api/v1/members/" + aMember.userId(), null},
            new String[] {"PATCH", "/api/v1/members/" + aMember.userId(), "{\"role\":\"viewer\"}"},
            new String[] {"DELETE", "/api/v1/members/" + aMember.userId(), null},
            new String[] {"DELETE", "/api/v1/members/invitations/" + invitation, null},
            new String[] {"GET", "/api/v1/roles/" + role, null},
            new String[] {"PUT", "/api/v1/roles/" + role, "{\"permissions\":[\"search\"]}"},
            new String[] {"DELETE", "/api/v1/roles/" + role, null},
            new String[] {"GET", "/api/v1/api-keys/" + key, null},
            new String[] {"DELETE", "/api/v1/api-keys/" + key, null});
    for (String[] call : calls) {
      Response r = edge.call(call[0], call[1], b.token(), call[2]);
      assertThat(r.status()).as(call[0] + " " + call[1] + " with B's token").isEqualTo(404);
    }
    // nothing of A's changed
    assertThat(
            edge.call("GET", "/api/v1/members/" + aMember.userId(), a.token(), null)
                .json()
                .get("role")
                .asText())
        .isEqualTo("member");
    assertThat(edge.call("GET", "/api/v1/roles/" + role, a.token(), null).status()).isEqualTo(200);
    assertThat(
            edge.call("GET", "/api/v1/api-keys/" + key, a.token(), null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("active");
    assertThat(edge.call("GET", "/api/v1/members/invitations", a.token(), null).body())
        .contains(invitation);
  }

  @Test
  @Order(7)
  void theLastOwnerCannotBeRemovedOrDemotedAndChangesAreAudited() {
    User owner = edge.signup("Owners Inc");
    User admin = edge.invite(owner, "admin");
    Response demote =
        edge.call(
            "PATCH", "/api/v1/members/" + owner.userId(), owner.token(), "{\"role\":\"admin\"}");
    assertThat(demote.status()).isEqualTo(409);
    assertThat(
            edge.call("DELETE", "/api/v1/members/" + owner.userId(), owner.token(), null).status())
        .isEqualTo(409);
    // an admin cannot touch an owner, nor make anyone owner
    assertThat(
            edge.call(
                    "PATCH",
                    "/api/v1/members/" + admin.userId(),
                    admin.token(),
                    "{\"role\":\"owner\"}")
                .status())
        .isEqualTo(403);
    // with a second owner, the first can step down
    assertThat(
            edge.call(
                    "PATCH",
                    "/api/v1/members/" + admin.userId(),
                    owner.token(),
                    "{\"role\":\"owner\"}")
                .status())
        .isEqualTo(200);
    // the caller's request id reaches the audit (the gateway's token for the caller is shared by
    // its calls and holds none: the id goes upstream in X-Request-Id)
    assertThat(
            Edge.send(
                    "PATCH",
                    edge.gateway + "/api/v1/members/" + owner.userId(),
                    "{\"role\":\"admin\"}",
                    "Authorization",
                    "Bearer " + owner.token(),
                    "X-Request-Id",
                    "edge-step-down-1")
                .status())
        .isEqualTo(200);
    Response audit =
        Edge.send(
            "GET",
            edge.gateway + "/api/v1/audit-events?action=member.*&limit=50",
            null,
            "Authorization",
            "Bearer " + admin.token(),
            "X-Request-Id",
            "edge-audit-1");
    assertThat(audit.status()).isEqualTo(200);
    List<String> actions = new ArrayList<>();
    audit
        .json()
        .get("items")
        .forEach(e -> actions.add(e.get("action").asText() + ":" + e.get("result").asText()));
    assertThat(actions)
        .contains(
            "member.role-changed:success",
            "member.role-changed:denied",
            "member.removed:denied",
            "member.joined:success");
    JsonNode change = audit.json().at("/items/0");
    assertThat(change.get("actorId").asText()).isEqualTo(owner.userId());
    assertThat(change.get("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(change.get("requestId").asText()).isEqualTo("edge-step-down-1");
    Response byActor =
        edge.call("GET", "/api/v1/audit-events?actor=" + admin.userId(), owner.token(), null);
    List<String> adminActions = new ArrayList<>();
    byActor
        .json()
        .get("items")
        .forEach(
            e -> {
              assertThat(e.get("actorId").asText()).isEqualTo(admin.userId());
              adminActions.add(e.get("action").asText() + ":" + e.get("result").asText());
            });
    // the admin joined and tried to make themself owner; the owner's own changes are left out
    assertThat(adminActions)
        .containsExactlyInAnyOrder("member.joined:success", "member.role-changed:denied");
  }

  @Test
  @Order(8)
  void apiKeysAreScopedAndRevokedOrExpiredKeysStopWorkingOnEveryReplica() throws Exception {
    User owner = edge.signup("Keys AG");
    User admin = edge.invite(owner, "admin");
    Response created =
        edge.call(
            "POST",
            "/api/v1/api-keys",
            owner.token(),
            "{\"name\":\"partner\",\"scopes\":[\"notifications:read\"]}");
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().get("secret").asText();
    String id = created.json().get("id").asText();
    assertThat(secret).startsWith(created.json().get("prefix").asText() + "_");
    // both header forms, on both replicas
    assertThat(
            Edge.send("GET", edge.gateway + "/api/v1/notifications", null, "X-API-Key", secret)
                .status())
        .isEqualTo(200);
    assertThat(
            Edge.send(
                    "GET",
                    edge.gateway2 + "/api/v1/notifications",
                    null,
                    "Authorization",
                    "Bearer " + secret)
                .status())
        .isEqualTo(200);
    Response me = Edge.send("GET", edge.gateway + "/api/v1/me", null, "X-API-Key", secret);
    assertThat(me.json().get("principalType").asText()).isEqualTo("api-key");
    assertThat(me.json().at("/tenant/id").asText()).isEqualTo(owner.tenantId());
    // scope enforced
    assertThat(
            Edge.send("GET", edge.gateway + "/api/v1/members", null, "X-API-Key", secret).status())
        .isEqualTo(403);
    // a creator cannot give more than they have; unknown scopes are refused
    assertThat(
            edge.call(
                    "POST",
                    "/api/v1/api-keys",
                    admin.token(),
                    "{\"name\":\"x\",\"scopes\":[\"tenant:manage\"]}")
                .status())
        .isEqualTo(403);
    Response unknown =
        edge.call(
            "POST",
            "/api/v1/api-keys",
            owner.token(),
            "{\"name\":\"x\",\"scopes\":[\"everything\"]}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/errors/0/field").asText()).isEqualTo("permissions");
    // listed with prefix and last use, never the secret
    Response list = edge.call("GET", "/api/v1/api-keys", owner.token(), null);
    assertThat(list.body()).doesNotContain(secret);
    assertThat(list.json().at("/0/lastUsedAt").isNull()).isFalse();
    // unknown key
    assertThat(
            Edge.send(
                    "GET",
                    edge.gateway + "/api/v1/me",
                    null,
                    "X-API-Key",
                    "smbc_AAAAAAAAAA_" + "A".repeat(40))
                .status())
        .isEqualTo(401);

    // revoked: refused by both replicas within the 5 s that docs/api/identity.md promises (their
    // caches are warm)
    assertThat(edge.call("DELETE", "/api/v1/api-keys/" + id, owner.token(), null).status())
        .isEqualTo(204);
    long revoked = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                Edge.send("GET", edge.gateway + "/api/v1/notifications", null, "X-API-Key", secret)
                            .status()
                        == 401
                    && Edge.send(
                                "GET",
                                edge.gateway2 + "/api/v1/notifications",
                                null,
                                "X-API-Key",
                                secret)
                            .status()
                        == 401);
    System.out.printf(
        "edge: a revoked key was refused by both gateways after %.1f s%n",
        (System.nanoTime() - revoked) / 1e9);

    // expired
    String soon = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(3).toString();
    Response expiring =
        edge.call(
            "POST",
            "/api/v1/api-keys",
            owner.token(),
            "{\"name\":\"short\",\"scopes\":[\"notifications:read\"],\"expiresAt\":\""
                + soon
                + "\"}");
    assertThat(expiring.status()).isEqualTo(201);
    String shortKey = expiring.json().get("secret").asText();
    assertThat(
            Edge.send("GET", edge.gateway + "/api/v1/notifications", null, "X-API-Key", shortKey)
                .status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                Edge.send(
                            "GET",
                            edge.gateway + "/api/v1/notifications",
                            null,
                            "X-API-Key",
                            shortKey)
                        .status()
                    == 401);
    assertThat(
            edge.call(
                    "POST",
                    "/api/v1/api-keys",
                    owner.token(),
                    "{\"name\":\"past\",\"scopes\":[\"search\"],\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  @Order(9)
  void expiredForgedUnsignedForeignIssuerAndForeignAudienceTokensAreRejected() throws Exception {
    User owner = edge.signup("Tokens SA");
    String token = owner.token();
    assertThat(edge.call("GET", "/api/v1/me", token, null).status()).isEqualTo(200);
    String[] parts = token.split("\\.");

    String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertRejected(forged, "signature");

    String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
            + ".";
    assertRejected(none, "");

    String master = edge.adminToken();
    assertRejected(master, "");

    String otherAudience = edge.password("admin-cli", owner.email(), Edge.PASSWORD);
    assertRejected(otherAudience, "audience");

    // expired: a client whose tokens live 2 seconds
    String admin = edge.adminToken();
    String clientId = "edge-short-" + uniq();
    Response made =
        Edge.send(
            "POST",
            edge.keycloak + "/admin/realms/copilot/clients",
            "{\"clientId\":\""
                + clientId
                + "\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
                + "\"standardFlowEnabled\":false,\"attributes\":{\"access.token.lifespan\":\"2\"},"
                + "\"protocolMappers\":[{\"name\":\"aud\",\"protocol\":\"openid-connect\","
                + "\"protocolMapper\":\"oidc-audience-mapper\",\"config\":{\"included.custom.audience\":"
                + "\"copilot-api\",\"access.token.claim\":\"true\"}}]}",
            "Authorization",
            "Bearer " + admin);
    assertThat(made.status()).isEqualTo(201);
    String shortLived = edge.password(clientId, owner.email(), Edge.PASSWORD);
    assertThat(edge.call("GET", "/api/v1/me", shortLived, null).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> edge.call("GET", "/api/v1/me", shortLived, null).status() == 401);
    assertThat(edge.call("GET", "/api/v1/me", shortLived, null).json().get("detail").asText())
        .contains("expired");
  }

  private void assertRejected(String token, String reason) {
    for (String gateway : List.of(edge.gateway, edge.gateway2)) {
      Response r =
          Edge.send("GET", gateway + "/api/v1/me", null, "Authorization", "Bearer " + token);
      assertThat(r.status()).as("token " + reason).isEqualTo(401);
      assertThat(r.json().get("type").asText()).endsWith("/unauthorized");
      assertThat(r.json().get("detail").asText()).contains(reason);
    }
  }

  @Test
  @Order(10)
  void aServiceCalledWithoutTheGatewaysInternalTokenAnswers401AndChecksPermissionsItself()
      throws Exception {
    User owner = edge.signup("Direct Co");
    for (String service :
        List.of("auth-service", "ingestion-service", "workflow-worker", "notifications-service")) {
      String base = edge.url(service);
      assertThat(Edge.send("GET", base + "/api/v1/me", null).status()).as(service).isEqualTo(401);
      assertThat(
              Edge.send(
                      "GET",
                      base + "/api/v1/notifications",
                      null,
                      "Authorization",
                      "Bearer " + owner.token())
                  .status())
          .as(service + " with a Keycloak token")
          .isEqualTo(401);
      assertThat(Edge.send("GET", base + "/q/health/ready", null).status()).isEqualTo(200);
    }
    // a token signed with a registered gateway key, but without the permission: the service refuses
    InternalTokenSigner signer = edge.registeredSigner();
    String viewer =
        signer.sign(
            new InternalToken(
                owner.tenantId(),
                owner.userId(),
                PrincipalType.USER,
                List.of("viewer"),
                List.copyOf(ROLES.get("viewer")),
                List.of(),
                "edge-direct",
                "127.0.0.1",
                "free"));
    String ownerToken =
        signer.sign(
            new InternalToken(
                owner.tenantId(),
                owner.userId(),
                PrincipalType.USER,
                List.of("owner"),
                List.copyOf(ROLES.get("owner")),
                List.of(),
                "edge-direct",
                "127.0.0.1",
                "free"));
    String auth = edge.url("auth-service");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Edge.send(
                            "GET",
                            auth + "/api/v1/members",
                            null,
                            "Authorization",
                            "Bearer " + ownerToken)
                        .status()
                    == 200);
    assertThat(
            Edge.send("GET", auth + "/api/v1/members", null, "Authorization", "Bearer " + viewer)
                .status())
        .isEqualTo(403);
    assertThat(
            Edge.send(
                    "GET",
                    auth + "/internal/v1/principals/users/" + owner.userId(),
                    null,
                    "Authorization",
                    "Bearer " + ownerToken)
                .status())
        .as("internal endpoints are for services only")
        .isEqualTo(403);
    // (a service reloads the gateway keys at most every 2 s, so the new key may take that long)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Edge.send(
                            "GET",
                            edge.url("notifications-service") + "/api/v1/notifications",
                            null,
                            "Authorization",
                            "Bearer " + viewer)
                        .status()
                    == 200);
    // the gateway never routes /internal
    assertThat(
            edge.call("GET", "/internal/v1/principals/users/" + owner.userId(), owner.token(), null)
                .status())
        .isEqualTo(404);
  }

  @Test
  @Order(11)
  void requestsSentTogetherWellInsideTheBurstAllPassOnOneGatewayAndOverTwo() throws Exception {
    // The free plan's burst is 100: a dashboard loading a page sends a few dozen calls at once.
    User one = edge.signup("Parallel Page");
    assertThat(together(one, 20, List.of(edge.gateway)))
        .as("20 at once through one gateway")
        .containsOnly(200);
    User two = edge.signup("Parallel Pages");
    assertThat(together(two, 40, List.of(edge.gateway, edge.gateway2)))
        .as("40 at once over two gateways")
        .containsOnly(200);
  }

  /** Sends {@code n} requests at once, taking turns over the gateways; answers their statuses. */
  private static List<Integer> together(User user, int n, List<String> gateways) throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(
          Edge.HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(gateways.get(i % gateways.size()) + "/api/v1/me"))
                  .header("Authorization", "Bearer " + user.token())
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = new ArrayList<>();
    for (var call : calls) {
      statuses.add(call.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    }
    return statuses;
  }

  @Test
  @Order(11)
  void aTenantsRequestsAcrossTwoGatewaysStayWithinTenPercentOfItsLimit() throws Exception {
    User owner = edge.signup("Busy Bees");
    // the free plan: a bucket of 100, refilled at 600 a minute (10 a second)
    int burst = 100;
    double perSecond = 10;
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    List<Response> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(3).toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String gateway = t % 2 == 0 ? edge.gateway : edge.gateway2;
      workers.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  Response r =
                      Edge.send(
                          "GET",
                          gateway + "/api/v1/me",
                          null,
                          "Authorization",
                          "Bearer " + owner.token());
                  if (r.status() == 200) {
                    admitted.incrementAndGet();
                  } else if (r.status() == 429) {
                    limited.incrementAndGet();
                    if (refusals.size() < 3) {
                      refusals.add(r);
                    }
                  } else {
                    throw new AssertionError("unexpected " + r.status() + " " + r.body());
                  }
                }
              }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    pool.shutdown();
    double elapsed = (System.nanoTime() - start) / 1e9;
    double limit = burst + perSecond * elapsed;
    System.out.printf(
        "edge: rate limit over two gateways: %d admitted, %d refused in %.2f s; the limit allows %.0f%n",
        admitted.get(), limited.get(), elapsed, limit);
    assertThat(limited.get()).as("requests over the limit").isPositive();
    assertThat((double) admitted.get()).isBetween(0.9 * limit, 1.1 * limit);
    Response refused = refusals.get(0);
    assertThat(refused.json().get("type").asText()).endsWith("/rate-limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
    assertThat(refused.header("RateLimit-Limit")).isEqualTo("100");
    assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(refused.header("RateLimit-Reset")).isNotNull();
  }

  @Test
  @Order(12)
  void theEdgeKeepsRequestIdsSetsSecurityAndCorsHeadersLimitsBodiesAndServesTheMergedOpenApi()
      throws Exception {
    User owner = edge.signup("Headers Ltd");
    Response me =
        Edge.send(
            "GET",
            edge.gateway + "/api/v1/me",
            null,
            "Authorization",
            "Bearer " + owner.token(),
            "X-Request-Id",
            "edge-req-42");
    assertThat(me.header("X-Request-Id")).isEqualTo("edge-req-42");
    assertThat(me.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(me.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(me.header("Strict-Transport-Security")).contains("max-age");
    assertThat(me.header("RateLimit-Limit")).isNotNull();
    Response generated = edge.call("GET", "/api/v1/me", owner.token(), null);
    assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");

    Response preflight =
        Edge.send(
            "OPTIONS",
            edge.gateway + "/api/v1/me",
            null,
            "Origin",
            "http://localhost:5173",
            "Access-Control-Request-Method",
            "GET",
            "Access-Control-Request-Headers",
            "authorization");
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    Response foreign =
        Edge.send(
            "OPTIONS",
            edge.gateway + "/api/v1/me",
            null,
            "Origin",
            "http://evil.example",
            "Access-Control-Request-Method",
            "GET");
    assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();

    String big = "{\"tenantName\":\"" + "x".repeat(1_200_000) + "\"}";
    Response tooLarge = edge.call("POST", "/api/v1/signup", null, big);
    assertThat(tooLarge.status()).isEqualTo(413);
    HttpResponse<String> chunked =
        Edge.HTTP.send(
            HttpRequest.newBuilder(URI.create(edge.gateway + "/api/v1/signup"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).as("a chunked body over the limit").isEqualTo(413);

    Response unknown = edge.call("GET", "/api/v1/nothing-here", owner.token(), null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");

    Response openapi = Edge.send("GET", edge.gateway + "/api/v1/openapi.json", null);
    assertThat(openapi.status()).isEqualTo(200);
    JsonNode paths = openapi.json().get("paths");
    for (String path :
        List.of(
            "/api/v1/signup",
            "/api/v1/me",
            "/api/v1/members",
            "/api/v1/roles",
            "/api/v1/api-keys",
            "/api/v1/audit-events",
            "/api/v1/notifications",
            "/api/v1/openapi.json")) {
      assertThat(paths.has(path)).as(path).isTrue();
    }
    assertThat(openapi.body()).doesNotContain("/internal/").doesNotContain("/q/health");
    // HEAD answers like GET, without the body: the gateway's own documents and a proxied route
    for (String url :
        List.of(
            edge.gateway + "/api/v1/openapi.json",
            edge.gateway + "/.well-known/internal-jwks.json")) {
      Response head = Edge.send("HEAD", url, null);
      assertThat(head.status()).as("HEAD " + url).isEqualTo(200);
      assertThat(head.body()).as("HEAD " + url).isEmpty();
      assertThat(head.header("Content-Type")).as("HEAD " + url).contains("json");
    }
    Response headMe = edge.call("HEAD", "/api/v1/me", owner.token(), null);
    assertThat(headMe.status()).isEqualTo(200);
    assertThat(headMe.body()).isEmpty();
    assertThat(openapi.json().at("/components/securitySchemes/apiKey/name").asText())
        .isEqualTo("X-API-Key");
    Response docs = Edge.send("GET", edge.gateway + "/api/docs/", null);
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body()).containsIgnoringCase("swagger");
  }

  @Test
  @Order(13)
  void everyServiceExportsHowLongItsJitCompilerWorked() {
    // libs/health's JitMetrics: Quarkus's JVM metrics leave it out, and a JVM under new load
    // compiles for minutes (the workflows benchmark warms up until it has settled)
    for (String service :
        List.of(
            "api-gateway",
            "auth-service",
            "ingestion-service",
            "workflow-worker",
            "notifications-service")) {
      assertThat(edge.metric(service, "jvm_compilation_time_ms_total")).as(service).isPositive();
    }
  }

  @Test
  @Order(20)
  void aFailingUpstreamOpensItsCircuitBreakerAndItClosesWhenTheServiceIsBack() throws Exception {
    User owner = edge.signup("Breaker BV");
    assertThat(edge.call("GET", "/api/v1/notifications", owner.token(), null).status())
        .isEqualTo(200);
    edge.stack.stopApp("notifications-service");
    try {
      // a service that is down is a passing outage: 503 with Retry-After, first because it
      // cannot be reached, then because its breaker opened
      List<String> details = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Response down = edge.call("GET", "/api/v1/notifications", owner.token(), null);
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        assertThat(down.header("Retry-After")).isNotNull();
        details.add(down.json().get("detail").asText());
      }
      assertThat(details.get(0)).contains("cannot be reached");
      assertThat(details.get(5)).contains("circuit breaker");
      Response open = edge.call("GET", "/api/v1/notifications", owner.token(), null);
      assertThat(open.json().get("detail").asText()).contains("circuit breaker");
      assertThat(open.header("Retry-After")).isNotNull();
      // other upstreams are unaffected
      assertThat(edge.call("GET", "/api/v1/me", owner.token(), null).status()).isEqualTo(200);
    } finally {
      edge.stack.startApps();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> edge.call("GET", "/api/v1/notifications", owner.token(), null).status() == 200);
  }
}
