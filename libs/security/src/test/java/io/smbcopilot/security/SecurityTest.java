package io.smbcopilot.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Quarkus Security with the internal-token mechanism: who may call what, and every refusal an RFC
 * 9457 problem.
 */
@QuarkusTest
class SecurityTest {
  private static final String TENANT = "6f1c3a2e-0000-4000-8000-000000000001";
  private static final String PROBLEMS = "https://smbcopilot.io/problems/";

  private static String user(String tenant, List<String> permissions) {
    return TestKeys.SIGNER.sign(
        new InternalToken(
            tenant,
            "user-1",
            PrincipalType.USER,
            List.of("member"),
            permissions,
            List.of(),
            "req-1",
            "127.0.0.1",
            "free"));
  }

  @Test
  void withoutAValidTokenEveryPathAnswers401ButProbesStayOpen() {
    for (String path : List.of("/api/v1/probe/member", "/api/v1/probe/public", "/no-such-path")) {
      given()
          .header("X-Request-Id", "sec-1")
          .get(path)
          .then()
          .statusCode(401)
          .contentType("application/problem+json")
          .header("X-Request-Id", "sec-1")
          .body("type", equalTo(PROBLEMS + "unauthorized"))
          .body("requestId", equalTo("sec-1"))
          .body("detail", containsString("internal token missing"));
    }
    String foreign = new InternalTokenSigner(30).sign(InternalToken.service("someone", null));
    given()
        .header("Authorization", "Bearer " + foreign)
        .get("/api/v1/probe/public")
        .then()
        .statusCode(401)
        .body("detail", containsString("rejected"));
    given()
        .header("Authorization", "Bearer not-a-jwt")
        .get("/api/v1/probe/public")
        .then()
        .statusCode(401);
    given().get("/q/health/live").then().statusCode(200);
  }

  @Test
  void aTenantsUserPassesTheDefaultRuleAndTheTenantComesFromTheToken() {
    given()
        .header("Authorization", "Bearer " + user(TENANT, List.of()))
        .get("/api/v1/probe/member")
        .then()
        .statusCode(200)
        .body("tenant", equalTo(TENANT))
        .body("subject", equalTo("user-1"))
        .body("type", equalTo("user"));
  }

  @Test
  void aPermissionIsNeededWhereOneIsNamed() {
    given()
        .header("Authorization", "Bearer " + user(TENANT, List.of("documents:write", "search")))
        .get("/api/v1/probe/reader")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo(PROBLEMS + "forbidden"));
    given()
        .header("Authorization", "Bearer " + user(TENANT, List.of("documents:read")))
        .get("/api/v1/probe/reader")
        .then()
        .statusCode(200);
  }

  @Test
  void permissionsCountOnlyForAMemberOfATenant() {
    String noTenant = user(null, List.of("documents:read"));
    given()
        .header("Authorization", "Bearer " + noTenant)
        .get("/api/v1/probe/reader")
        .then()
        .statusCode(403)
        .body("detail", containsString("needs a tenant"));
    given()
        .header("Authorization", "Bearer " + noTenant)
        .get("/api/v1/probe/member")
        .then()
        .statusCode(403);
  }

  @Test
  void anonymousAndServiceTokensReachOnlyWhatIsOpenToThem() {
    String anonymous = TestKeys.SIGNER.sign(InternalToken.anonymous("req-2", "127.0.0.1"));
    String service = TestKeys.SIGNER.sign(InternalToken.service("api-gateway", "req-3"));
    given()
        .header("Authorization", "Bearer " + anonymous)
        .get("/api/v1/probe/member")
        .then()
        .statusCode(401)
        .body("detail", containsString("needs a signed-in user or an API key"));
    given()
        .header("Authorization", "Bearer " + anonymous)
        .get("/api/v1/probe/public")
        .then()
        .statusCode(200)
        .body(equalTo("open to anonymous"));
    given()
        .header("Authorization", "Bearer " + service)
        .get("/api/v1/probe/internal")
        .then()
        .statusCode(200)
        .body(equalTo("service api-gateway"));
    given()
        .header("Authorization", "Bearer " + service)
        .get("/api/v1/probe/member")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Bearer " + user(TENANT, List.of("documents:read")))
        .get("/api/v1/probe/internal")
        .then()
        .statusCode(403)
        .body("type", equalTo(PROBLEMS + "forbidden"));
    String otherTenant = user(UUID.randomUUID().toString(), List.of());
    given()
        .header("Authorization", "Bearer " + otherTenant)
        .get("/api/v1/probe/member")
        .then()
        .statusCode(200);
  }
}
