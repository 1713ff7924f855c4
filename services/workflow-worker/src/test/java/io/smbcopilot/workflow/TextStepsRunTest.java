package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.workflow.workflows.TextStepsTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The summarize and extract steps in a run, on the text a trigger brings, with their model-free
 * defaults: an invoice's fields into the step's JSON Schema, and a summary of it; a schema that is
 * not one fails the step as input.
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
class TextStepsRunTest {
  @Test
  void anInvoicesFieldsAndSummaryComeOutOfItsText() throws Exception {
    String token = RunsTest.user(UUID.randomUUID());
    String workflow =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "fields", "type": "extract",
                "inputs": {"text": {"expr": "trigger.text"}, "fields": %s}},
               {"id": "short", "type": "summarize",
                "inputs": {"text": {"expr": "trigger.text"}, "sentences": 2}},
               {"id": "tell", "type": "notify",
                "inputs": {"channel": "in-app",
                           "title": {"expr": "'Invoice ' + steps.fields.output.fields.number"},
                           "body": {"expr": "'Total ' + string(steps.fields.output.fields.total)"}}}
             ]}"""
                .formatted(TextStepsTest.SCHEMA));
    String input =
        TextStepsTest.JSON.createObjectNode().put("text", TextStepsTest.INVOICE).toString();
    JsonPath done = RunsTest.awaitFinished(token, RunsTest.start(token, workflow, input));
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getString("steps[0].output.fields.number")).isEqualTo("QM-2026-0457");
    assertThat(done.getDouble("steps[0].output.fields.total")).isEqualTo(118.5);
    assertThat(done.getString("steps[0].output.fields.date")).isEqualTo("2026-03-14");
    assertThat(done.getList("steps[0].output.missing")).containsExactly("iban");
    assertThat(done.getString("steps[0].output.extractor")).isEqualTo("patterns");
    assertThat(done.getList("steps[1].output.sentences")).hasSizeLessThanOrEqualTo(2).isNotEmpty();
    assertThat(done.getString("steps[2].input.title")).isEqualTo("Invoice QM-2026-0457");
    assertThat(done.getString("steps[2].input.body")).isEqualTo("Total 118.5");

    String broken =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [{"id": "fields", "type": "extract",
                        "inputs": {"text": "x", "fields": "not a schema"}}]}""");
    JsonPath failed = RunsTest.awaitFinished(token, RunsTest.start(token, broken, "{}"));
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("steps[0].errorCode")).isEqualTo("input");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/runs/" + failed.getString("id"))
        .then()
        .statusCode(200);
  }
}
