package io.smbcopilot.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every step checks the workflow's owner against the identity events (real Kafka): once the owner
 * is removed from the tenant, the run's next step fails it with the reason, and nothing after it
 * runs; added again, their workflows run again. Another tenant's removal of the same user id
 * changes nothing here.
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
class OwnerRemovedTest {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject Pool pool;

  private void member(UUID tenant, String user, String change) throws Exception {
    EventTriggersTest.publish(
        bootstrap,
        CloudEvent.of(
            EventType.MEMBER_CHANGED,
            "/auth-service",
            tenant.toString(),
            "member/" + user,
            new MemberChanged(tenant.toString(), user, user + "@x.test", "owner", change, "x")));
  }

  private boolean removed(UUID tenant, String user) {
    var rows =
        pool.preparedQuery(
                "SELECT removed FROM directory_member WHERE tenant_id = $1 AND user_id = $2")
            .execute(Tuple.of(tenant, user))
            .await()
            .indefinitely();
    return rows.size() == 1 && rows.iterator().next().getBoolean(0);
  }

  @Test
  void aRemovedOwnersRunStopsAtItsNextStepAndRunsAgainOnceTheyAreBack() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + tenant;
    String token = RunsTest.user(tenant);
    String workflow =
        RunsTest.create(
            token,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "pause", "type": "approval", "inputs": {"title": "go on?"}},
               {"id": "tell", "type": "notify", "inputs": {"channel": "in-app", "title": "late"}}
             ]}""");
    String run = RunsTest.start(token, workflow, "{}");
    RunsTest.awaitStatus(token, run, "waiting");
    // the same user id removed from another tenant: nothing changes here
    member(UUID.randomUUID(), owner, "removed");
    member(tenant, owner, "removed");
    await().atMost(Duration.ofSeconds(20)).until(() -> removed(tenant, owner));
    // the run waited for its approval meanwhile; approved now, its next step finds the owner gone
    ApprovalsTest.decide(token, run, "{\"decision\": \"approve\"}").statusCode(200);

    JsonPath failed = RunsTest.awaitFinished(token, run);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getList("steps.stepId")).containsExactly("pause", "tell");
    assertThat(failed.getString("steps[1].errorCode")).isEqualTo("owner");
    assertThat(failed.getString("error"))
        .isEqualTo(
            "step tell: the workflow's owner "
                + owner
                + " is no member of the tenant any more: a workflow manager can save the workflow"
                + " again, and owns it then");

    member(tenant, owner, "added");
    await().atMost(Duration.ofSeconds(20)).until(() -> !removed(tenant, owner));
    String second = RunsTest.start(token, workflow, "{}");
    RunsTest.awaitStatus(token, second, "waiting");
    ApprovalsTest.decide(token, second, "{\"decision\": \"approve\"}").statusCode(200);
    assertThat(RunsTest.awaitFinished(token, second).getString("status")).isEqualTo("succeeded");
  }
}
