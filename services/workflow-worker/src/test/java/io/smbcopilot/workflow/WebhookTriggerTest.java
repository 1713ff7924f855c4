package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A workflow's webhook trigger on the real database: its secret is shown once, when made; a call
 * signed with it as Standard Webhooks says starts a run with the body as trigger, once per
 * webhook-id; a wrong secret, an old timestamp or a changed body is refused (401) and starts
 * nothing; a new secret replaces the old at once; a disabled workflow's URL is not found.
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
class WebhookTriggerTest {
  static final String DEFINITION =
      """
      {"trigger": {"type": "webhook"},
       "steps": [{"id": "tell", "type": "notify",
                  "inputs": {"channel": "in-app",
                             "title": {"expr": "'Order ' + string(trigger.order) + ' came in'"}}}]}""";

  /**
   * A call as a partner makes it: no sign-in (the gateway forwards it with an anonymous token),
   * signed with the secret.
   */
  private static ValidatableResponse call(
      String url, String secret, String id, long timestamp, String signedBody, String sentBody)
      throws Exception {
    return given()
        .header("Authorization", "Bearer " + TestTokens.get().anonymous())
        .header("webhook-id", id)
        .header("webhook-timestamp", String.valueOf(timestamp))
        .header("webhook-signature", new Webhook(secret).sign(id, timestamp, signedBody))
        .contentType("application/json")
        .body(sentBody)
        .post(url)
        .then();
  }

  private static String runs(String token, String workflow) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .extract()
        .path("items.size()")
        .toString();
  }

  @Test
  void signedCallsStartRunsOncePerIdAndNothingElseDoes() throws Exception {
    UUID tenant = UUID.randomUUID();
    String token = RunsTest.user(tenant);
    JsonPath created =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"name\": \"Orders in\", \"definition\": " + DEFINITION + "}")
            .post("/api/v1/workflows")
            .then()
            .statusCode(201)
            .body("webhook.secret", startsWith("whsec_"))
            .extract()
            .jsonPath();
    String workflow = created.getString("id");
    String url = created.getString("webhook.url");
    String secret = created.getString("webhook.secret");
    assertThat(url).isEqualTo("/api/v1/hooks/workflows/" + workflow);
    // shown once: never again
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + workflow)
        .then()
        .body("webhook.url", equalTo(url))
        .body("webhook.secret", equalTo(null));

    long now = Instant.now().getEpochSecond();
    String body = "{\"order\": 4711}";
    String run =
        call(url, secret, "msg_1", now, body, body)
            .statusCode(202)
            .body("triggerType", equalTo("webhook"))
            .body("startedBy", equalTo("owner-" + tenant))
            .extract()
            .path("id");
    call(url, secret, "msg_1", now, body, body).statusCode(200).body("id", equalTo(run));
    JsonPath done = RunsTest.awaitFinished(token, run);
    assertThat(done.getString("steps[0].input.title")).isEqualTo("Order 4711 came in");

    // refused, and nothing started: another secret, an old timestamp, a changed body, unsigned
    String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    call(url, other, "msg_2", now, body, body).statusCode(401);
    call(url, secret, "msg_3", now - 3600, body, body).statusCode(401);
    call(url, secret, "msg_4", now, body, "{\"order\": 1}").statusCode(401);
    given()
        .header("Authorization", "Bearer " + TestTokens.get().anonymous())
        .contentType("application/json")
        .body(body)
        .post(url)
        .then()
        .statusCode(401);
    call(url, secret, "msg_5", now, "not json", "not json").statusCode(400);
    assertThat(runs(token, workflow)).isEqualTo("1");

    // a new secret: the old one stops at once
    String renewed =
        given()
            .header("Authorization", "Bearer " + token)
            .post("/api/v1/workflows/" + workflow + "/webhook-secret")
            .then()
            .statusCode(200)
            .extract()
            .path("secret");
    assertThat(renewed).startsWith("whsec_").isNotEqualTo(secret);
    call(url, secret, "msg_6", now, body, body).statusCode(401);
    call(url, renewed, "msg_7", now, body, body).statusCode(202);

    // disabled, or not a webhook workflow: not found
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"enabled\": false}")
        .patch("/api/v1/workflows/" + workflow)
        .then()
        .statusCode(200);
    call(url, renewed, "msg_8", now, body, body).statusCode(404);
    call("/api/v1/hooks/workflows/" + UUID.randomUUID(), renewed, "msg_9", now, body, body)
        .statusCode(404);
    String manual = RunsTest.create(token, RunsTest.DEFINITION);
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/v1/workflows/" + manual + "/webhook-secret")
        .then()
        .statusCode(409);
    assertThat(runs(token, workflow)).isEqualTo("2");
  }
}
