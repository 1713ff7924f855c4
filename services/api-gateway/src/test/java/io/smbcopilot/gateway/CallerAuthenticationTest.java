package io.smbcopilot.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who may call through the gateway when Keycloak cannot be reached (nothing listens at the test's
 * Keycloak URL): API keys, in either header, never touch quarkus-oidc and pass; an access token can
 * be neither accepted nor refused, so it gets a 503 problem to retry, not a 401.
 */
@QuarkusTest
@WithTestResource(StubAuthService.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "api-gateway"),
      @ResourceArg(name = "components", value = "postgres")
    })
class CallerAuthenticationTest {

  @Test
  void apiKeysPassWithoutKeycloakInEitherHeader() {
    String key = "smbc_bypass-" + UUID.randomUUID();
    given().header("X-API-Key", key).get("/api/v1/me").then().statusCode(200);
    given().header("Authorization", "Bearer " + key).get("/api/v1/me").then().statusCode(200);
  }

  @Test
  void anAccessTokenWhileKeycloakIsAwayIsA503ToRetryNotA401() {
    String token =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSIsImF1ZCI6ImNvcGlsb3QtYXBpIn0.c2ln";
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/me")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", "5")
        .body("detail", containsString("identity provider"));
  }

  @Test
  void noCredentialsIsA401Problem() {
    given()
        .get("/api/v1/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer");
  }
}
