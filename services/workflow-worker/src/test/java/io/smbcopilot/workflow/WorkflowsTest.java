package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Workflow definitions on the real database: created at version 1, changed into new versions while
 * the old ones stay readable, listed, disabled, deleted; an invalid definition changes nothing and
 * is answered with every mistake's field; another tenant finds none of it; a member cannot manage.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class WorkflowsTest {
  static final String DEFINITION =
      """
      {"trigger": {"type": "manual"},
       "steps": [
         {"id": "find", "type": "search", "inputs": {"query": {"expr": "trigger.question"}}},
         {"id": "tell", "type": "notify",
          "inputs": {"channel": "in-app", "title": {"expr": "'Found ' + string(size(steps.find.output.hits))"}}}
       ]}""";

  static String admin(UUID tenant) {
    return TestTokens.get()
        .user(tenant, "admin-" + tenant, "admin", List.of("workflows:read", "workflows:manage"));
  }

  static String body(String name, String definition) {
    return "{\"name\": \"" + name + "\", \"definition\": " + definition + "}";
  }

  @Test
  void aWorkflowIsCreatedVersionedListedDisabledAndDeleted() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    String id =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(body("Find and tell", DEFINITION))
            .post("/api/v1/workflows")
            .then()
            .statusCode(201)
            .body("version", equalTo(1))
            .body("enabled", equalTo(true))
            .body("ownerId", equalTo("admin-" + tenant))
            .body("definition.steps[0].inputs.query.expr", equalTo("trigger.question"))
            .extract()
            .path("id");

    // a new definition is a new version; the first stays as it was
    String second = DEFINITION.replace("trigger.question", "trigger.topic");
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body("Find and tell, v2", second))
        .put("/api/v1/workflows/" + id)
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("definition.steps[0].inputs.query.expr", equalTo("trigger.topic"));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + id + "/versions/1")
        .then()
        .statusCode(200)
        .body("version", equalTo(1))
        .body("definition.steps[0].inputs.query.expr", equalTo("trigger.question"));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + id + "/versions")
        .then()
        .statusCode(200)
        .body("version", equalTo(List.of(2, 1)));

    // an invalid change changes nothing
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body("Broken", DEFINITION.replace("\"search\"", "\"teleport\"")))
        .put("/api/v1/workflows/" + id)
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("errors.field", hasItem("body.steps[0].type"));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + id)
        .then()
        .body("version", equalTo(2))
        .body("name", equalTo("Find and tell, v2"));

    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"enabled\": false}")
        .patch("/api/v1/workflows/" + id)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("version", equalTo(2));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].enabled", equalTo(false));

    // another tenant finds none of it; a member reads but cannot manage
    String other = admin(UUID.randomUUID());
    given()
        .header("Authorization", "Bearer " + other)
        .get("/api/v1/workflows/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + other)
        .delete("/api/v1/workflows/" + id)
        .then()
        .statusCode(404);
    String member =
        TestTokens.get().user(tenant, "member-" + tenant, "member", List.of("workflows:read"));
    given()
        .header("Authorization", "Bearer " + member)
        .get("/api/v1/workflows/" + id)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + member)
        .delete("/api/v1/workflows/" + id)
        .then()
        .statusCode(403);

    given()
        .header("Authorization", "Bearer " + token)
        .delete("/api/v1/workflows/" + id)
        .then()
        .statusCode(204);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows")
        .then()
        .body("items", hasSize(0));
  }

  @Test
  void anInvalidDefinitionIsRefusedWithEveryMistakeAndNothingIsCreated() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(
            body(
                "Broken",
                """
                {"trigger": {"type": "schedule", "cron": "0 9 * * MON", "timeZone": "Europe/Berlin"},
                 "steps": [
                   {"id": "a", "type": "search", "inputs": {"query": {"expr": "steps.b.output"}}},
                   {"id": "b", "type": "generate", "inputs": {"prompt": "Write"}, "next": "a"}
                 ]}"""))
        .post("/api/v1/workflows")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("body.steps[0]"))
        .body("errors[0].message", containsString("a -> b -> a form a cycle"));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(
            body(
                "Needs a model",
                """
                {"trigger": {"type": "manual"},
                 "steps": [{"id": "g", "type": "generate", "inputs": {"prompt": "Write"}}]}"""))
        .post("/api/v1/workflows")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("body.steps[0].type"))
        .body("errors[0].message", containsString("needs a language model"));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"name\": \"\"}")
        .post("/api/v1/workflows")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflows")
        .then()
        .body("items", hasSize(0));
  }

  @Test
  void theListIsPagedNewestFirstWithACursor() {
    UUID tenant = UUID.randomUUID();
    String token = admin(tenant);
    List<String> made = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(
          given()
              .header("Authorization", "Bearer " + token)
              .contentType("application/json")
              .body(body("Workflow " + i, DEFINITION))
              .post("/api/v1/workflows")
              .then()
              .statusCode(201)
              .extract()
              .path("id"));
    }
    io.restassured.path.json.JsonPath first =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/workflows?limit=2")
            .then()
            .statusCode(200)
            .body("items", hasSize(2))
            .extract()
            .jsonPath();
    io.restassured.path.json.JsonPath second =
        given()
            .header("Authorization", "Bearer " + token)
            .get("/api/v1/workflows?limit=2&cursor=" + first.getString("nextCursor"))
            .then()
            .statusCode(200)
            .body("items", hasSize(1))
            .extract()
            .jsonPath();
    List<String> seen = new java.util.ArrayList<>(first.getList("items.id"));
    seen.addAll(second.getList("items.id"));
    org.assertj.core.api.Assertions.assertThat(seen)
        .containsExactly(made.get(2), made.get(1), made.get(0));
  }

  @Test
  void aScheduledWorkflowShowsItsNextFiveFireTimesInItsZone() {
    String token = admin(UUID.randomUUID());
    String scheduled =
        DEFINITION.replace(
            "{\"type\": \"manual\"}",
            "{\"type\": \"schedule\", \"cron\": \"0 9 * * MON\","
                + " \"timeZone\": \"America/New_York\", \"missed\": \"catch-up\"}");
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body("Weekly", scheduled))
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .body("definition.trigger.timeZone", equalTo("America/New_York"))
        .body("nextFireTimes", hasSize(5))
        .body("nextFireTimes[0]", org.hamcrest.Matchers.matchesPattern(".*T09:00(:00)?-0[45]:00"));
  }

  @Test
  void aWorkflowIsMadeFromATemplateWithItsParameters() {
    String token = admin(UUID.randomUUID());
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/workflow-templates")
        .then()
        .statusCode(200)
        .body("id", hasItem("invoice-to-partner"))
        .body(
            "find { it.id == 'invoice-to-partner' }.parameters.type",
            org.hamcrest.Matchers.contains("collection", "url"))
        .body("size()", equalTo(4));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(
            "{\"name\": \"Invoices to Books Ltd\", \"template\": \"invoice-to-partner\","
                + " \"parameters\": {\"collection\": \"invoices\","
                + " \"partnerUrl\": \"https://books.example/in\"}}")
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .body("definition.trigger.collection", equalTo("invoices"))
        .body("definition.steps[1].inputs.url", equalTo("https://books.example/in"));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"name\": \"No collection\", \"template\": \"invoice-to-partner\"}")
        .post("/api/v1/workflows")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("body.parameters.collection"));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"name\": \"Nothing\"}")
        .post("/api/v1/workflows")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("body.definition"));
  }
}
