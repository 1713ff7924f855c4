package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Approval steps on the real database and job queue: the run waits (nothing queued but the job that
 * ends the wait) and its approvers are told; only an approver, or a manager, decides; approved, the
 * run goes on; rejected, it takes the step's else; undecided, its timeout branch, or it fails; a
 * waiting run can be cancelled.
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
class ApprovalsTest {
  @Inject Pool pool;

  static String member(UUID tenant, String name) {
    return TestTokens.get()
        .user(tenant, name, "member", List.of("workflows:read", "workflows:run"));
  }

  private static String definition(String approval) {
    return """
        {"trigger": {"type": "manual"},
         "steps": [
           {"id": "draft", "type": "condition", "if": "trigger.amount > 0", "then": "ok", "else": "end"},
           %s,
           {"id": "send", "type": "notify", "next": "end",
            "inputs": {"channel": "in-app", "title": "sent",
                       "body": {"expr": "'approved by ' + steps.ok.output.decidedBy"}}},
           {"id": "refused", "type": "notify", "next": "end",
            "inputs": {"channel": "in-app", "title": "refused"}},
           {"id": "late", "type": "notify", "inputs": {"channel": "in-app", "title": "too late"}}
         ]}"""
        .formatted(approval);
  }

  static io.restassured.response.ValidatableResponse decide(String token, String run, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/runs/" + run + "/approvals")
        .then();
  }

  @Test
  void theRunWaitsForItsApproverWhoseApprovalLetsItGoOn() {
    UUID tenant = UUID.randomUUID();
    String owner = RunsTest.user(tenant);
    String bob = member(tenant, "bob");
    String eve = member(tenant, "eve");
    String workflow =
        RunsTest.create(
            owner,
            definition(
                """
                {"id": "ok", "type": "approval", "else": "refused", "timeout": "PT1H",
                 "inputs": {"approvers": ["bob"], "title": "Send the reply?",
                            "body": {"expr": "'Amount ' + string(trigger.amount)"}}}"""));
    String run = RunsTest.start(owner, workflow, "{\"amount\": 12}");
    JsonPath waiting = RunsTest.awaitStatus(owner, run, "waiting");
    assertThat(waiting.getList("steps.stepId")).containsExactly("draft", "ok");
    assertThat(waiting.getString("steps[1].status")).isEqualTo("waiting");
    // bob is told, in the app and by mail (kind workflow.approval); the wait is an event
    assertThat(MeteringTest.events(pool, tenant, "io.smbcopilot.workflow.run-waiting.v1"))
        .isEqualTo(1);
    assertThat(MeteringTest.events(pool, tenant, "io.smbcopilot.notification.requested.v1"))
        .isEqualTo(1);
    given()
        .header("Authorization", "Bearer " + bob)
        .get("/api/v1/runs/" + run + "/approvals")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].status", equalTo("waiting"))
        .body("[0].approval.approvers", equalTo(List.of("bob")))
        .body("[0].approval.body", equalTo("Amount 12"));

    // nonsense is refused and changes nothing; eve is no approver
    decide(bob, run, "{\"decision\": \"maybe\"}").statusCode(400);
    decide(eve, run, "{\"decision\": \"approve\"}").statusCode(403);
    assertThat(RunsTest.awaitStatus(owner, run, "waiting").getString("steps[1].status"))
        .isEqualTo("waiting");

    decide(bob, run, "{\"decision\": \"approve\", \"comment\": \"fine\"}")
        .statusCode(200)
        .body("status", equalTo("running"));
    JsonPath done = RunsTest.awaitFinished(owner, run);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("draft", "ok", "send");
    assertThat(done.getString("steps[1].output.decision")).isEqualTo("approved");
    assertThat(done.getString("steps[1].output.comment")).isEqualTo("fine");
    assertThat(done.getString("steps[2].input.body")).isEqualTo("approved by bob");
    // decided once: a second decision finds nothing waiting
    decide(bob, run, "{\"decision\": \"reject\"}").statusCode(409);
  }

  @Test
  void aRejectionTakesTheElseBranchAndAManagerMayDecide() {
    UUID tenant = UUID.randomUUID();
    String owner = RunsTest.user(tenant); // workflows:manage
    String workflow =
        RunsTest.create(
            owner,
            definition(
                """
                {"id": "ok", "type": "approval", "else": "refused",
                 "inputs": {"approvers": ["bob"], "title": "Send?"}}"""));
    String run = RunsTest.start(owner, workflow, "{\"amount\": 3}");
    RunsTest.awaitStatus(owner, run, "waiting");
    decide(owner, run, "{\"decision\": \"reject\"}").statusCode(200);
    JsonPath done = RunsTest.awaitFinished(owner, run);
    assertThat(done.getString("status")).isEqualTo("succeeded");
    assertThat(done.getList("steps.stepId")).containsExactly("draft", "ok", "refused");
    assertThat(done.getString("steps[1].output.decision")).isEqualTo("rejected");
    assertThat(done.getString("steps[1].output.decidedBy")).isEqualTo("owner-" + tenant);
  }

  @Test
  void anUndecidedApprovalTakesItsTimeoutBranchOrFailsTheRun() {
    UUID tenant = UUID.randomUUID();
    String owner = RunsTest.user(tenant);
    String branching =
        RunsTest.create(
            owner,
            definition(
                """
                {"id": "ok", "type": "approval", "timeout": "PT1S", "onTimeout": "late",
                 "inputs": {"title": "Quick?"}}"""));
    JsonPath late =
        RunsTest.awaitStatus(
            owner, RunsTest.start(owner, branching, "{\"amount\": 1}"), "succeeded");
    assertThat(late.getString("status")).isEqualTo("succeeded");
    assertThat(late.getList("steps.stepId")).containsExactly("draft", "ok", "late");
    assertThat(late.getString("steps[1].output.decision")).isEqualTo("timed-out");
    // nobody named: whoever started the run was the approver
    assertThat(late.getList("steps[1].output.approvers")).containsExactly("owner-" + tenant);

    String failing =
        RunsTest.create(
            owner,
            definition(
                """
                {"id": "ok", "type": "approval", "timeout": "PT1S", "inputs": {"title": "Quick?"}}"""));
    JsonPath failed =
        RunsTest.awaitStatus(owner, RunsTest.start(owner, failing, "{\"amount\": 1}"), "failed");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).startsWith("step ok: no decision before ");
  }

  @Test
  void aWaitingRunCanBeCancelled() {
    UUID tenant = UUID.randomUUID();
    String owner = RunsTest.user(tenant);
    String workflow =
        RunsTest.create(
            owner,
            definition(
                """
                {"id": "ok", "type": "approval", "inputs": {"title": "Send?"}}"""));
    String run = RunsTest.start(owner, workflow, "{\"amount\": 5}");
    RunsTest.awaitStatus(owner, run, "waiting");
    given()
        .header("Authorization", "Bearer " + owner)
        .post("/api/v1/runs/" + run + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    decide(owner, run, "{\"decision\": \"approve\"}").statusCode(409);
  }
}
