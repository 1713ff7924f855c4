package io.smbcopilot.notifications.webhooks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Webhook endpoints on the real PostgreSQL: the secret is shown once and kept encrypted, internal
 * and http URLs are refused with the reason and change nothing, another tenant sees nothing, a
 * rotation keeps the previous secret for its grace period.
 */
@QuarkusTest
@TestProfile(WebhookEndpointsTest.Profile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class WebhookEndpointsTest {
  /** A deployment key made for this run, and the only host the operator allows. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "copilot.secrets.encryption-key", UUID.randomUUID().toString(),
          "copilot.webhooks.allowed-hosts", "receiver.internal.test",
          "copilot.webhooks.max-endpoints", "3");
    }
  }

  @Inject Pool pool;
  @Inject SecretRotation rotation;

  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "copilot.secrets.encryption-key")
  String deploymentKey;

  private static String admin(UUID tenant) {
    return TestTokens.get().user(tenant, "admin-" + tenant, "admin", List.of("webhooks:manage"));
  }

  private static JsonPath create(String token, String body, int status) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/webhooks")
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  @Test
  void anEndpointsSecretIsShownOnceKeptEncryptedAndRotated() throws Throwable {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    JsonPath created =
        create(
            token,
            "{\"url\":\"https://93.184.216.34/hooks\",\"description\":\"ERP\","
                + "\"eventTypes\":[\"io.smbcopilot.document.indexed.v1\"]}",
            201);
    String id = created.getString("endpoint.id");
    String secret = created.getString("secret");
    assertThat(secret).startsWith("whsec_");
    assertThat(created.getList("endpoint.eventTypes"))
        .containsExactly("io.smbcopilot.document.indexed.v1");
    assertThat(created.getBoolean("endpoint.enabled")).isTrue();

    // never shown again, and not readable in the database
    String got =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/webhooks/" + id)
            .then()
            .statusCode(200)
            .body("url", equalTo("https://93.184.216.34/hooks"))
            .body("previousSecretExpiresAt", nullValue())
            .extract()
            .asString();
    assertThat(got).doesNotContain(secret.substring(6)).doesNotContain("secret\"");
    String stored =
        pool.preparedQuery("SELECT secret_encrypted FROM webhook_endpoint WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(id)))
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getString(0);
    assertThat(stored).doesNotContain(secret.substring(6));

    // listed; changed
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].id", equalTo(id));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"enabled\":false,\"eventTypes\":[]}")
        .patch("/api/v1/webhooks/" + id)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("eventTypes", hasSize(0));

    // rotated: a new secret, the previous one signs until the grace period ends
    JsonPath rotated =
        given()
            .header("Authorization", "Bearer " + token)
            .post("/api/v1/webhooks/" + id + "/rotate-secret")
            .then()
            .statusCode(200)
            .body("previousSecretExpiresAt", notNullValue())
            .extract()
            .jsonPath();
    assertThat(rotated.getString("secret")).startsWith("whsec_").isNotEqualTo(secret);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks/" + id)
        .then()
        .body("previousSecretExpiresAt", equalTo(rotated.getString("previousSecretExpiresAt")));

    // the deployment's key rotated: both secrets are sealed again and open with the new key alone
    String newKey = UUID.randomUUID().toString();
    int sealed =
        io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(
                () ->
                    rotation.reseal(
                        new SecretCipher(Optional.of(newKey), Optional.of(List.of(deploymentKey)))))
            .sealed();
    assertThat(sealed).isGreaterThanOrEqualTo(2);
    var row =
        pool.preparedQuery(
                "SELECT secret_encrypted, previous_secret_encrypted FROM webhook_endpoint"
                    + " WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(id)))
            .await()
            .indefinitely()
            .iterator()
            .next();
    SecretCipher after = new SecretCipher(Optional.of(newKey));
    assertThat(rotated.getString("secret")).contains(after.decrypt(tenant, row.getString(0)));
    assertThat(secret).contains(after.decrypt(tenant, row.getString(1)));

    // another tenant's admin sees none of it
    String other = admin(UUID.randomUUID());
    given()
        .header("Authorization", "Bearer " + other)
        .get("/api/v1/webhooks/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + other)
        .get("/api/v1/webhooks")
        .then()
        .body("items", hasSize(0));
    given()
        .header("Authorization", "Bearer " + other)
        .delete("/api/v1/webhooks/" + id)
        .then()
        .statusCode(404);
    // a member without the permission is refused
    given()
        .header(
            "Authorization",
            "Bearer "
                + TestTokens.get()
                    .user(tenant, "member-1", "member", List.of("notifications:read")))
        .get("/api/v1/webhooks")
        .then()
        .statusCode(403);

    given()
        .header("Authorization", "Bearer " + token)
        .delete("/api/v1/webhooks/" + id)
        .then()
        .statusCode(204);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks/" + id)
        .then()
        .statusCode(404);
  }

  @Test
  void internalAndPlainHttpUrlsAndUnknownTypesAreRefusedAndChangeNothing() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    Map<String, String> refused =
        Map.of(
            "http://93.184.216.34/hooks", "https",
            "https://127.0.0.1/hooks", "loopback",
            "https://localhost:8443/hooks", "loopback",
            "https://169.254.169.254/latest", "link-local",
            "https://10.1.2.3/hooks", "private",
            "https://100.64.1.1/hooks", "carrier-grade",
            "https://[fd00::1]/hooks", "unique local",
            "https://metadata.google.internal/x", "metadata",
            "https://user:pw@93.184.216.34/hooks", "credentials",
            "ftp://93.184.216.34/hooks", "https");
    refused.forEach(
        (url, why) ->
            given()
                .header("Authorization", "Bearer " + token)
                .contentType("application/json")
                .body("{\"url\":\"" + url + "\"}")
                .post("/api/v1/webhooks")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("body.url"))
                .body("errors[0].message", containsString(why)));
    create(
        token,
        "{\"url\":\"https://93.184.216.34/h\",\"eventTypes\":[\"io.smbcopilot.no-such.v1\"]}",
        400);
    create(token, "{\"url\":\"\"}", 400);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/webhooks")
        .then()
        .body("items", hasSize(0));

    // the operator's allowed host passes whatever it resolves to; the tenant's limit holds
    create(token, "{\"url\":\"https://receiver.internal.test/hooks\"}", 201);
    create(token, "{\"url\":\"https://93.184.216.34/a\"}", 201);
    create(token, "{\"url\":\"https://93.184.216.34/b\"}", 201);
    create(token, "{\"url\":\"https://93.184.216.34/c\"}", 409);
  }
}
