package io.smbcopilot.workflow;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.ServiceContractTest;
import java.util.Set;

@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class WorkflowWorkerTest extends ServiceContractTest {

  @Override
  protected Set<String> expectedTables() {
    return Set.of(
        "workflow",
        "workflow_version",
        "outbox_event",
        "inbox_event",
        "conversation",
        "retention_policy",
        "message",
        "evaluation",
        "copilot_settings",
        "usage_record",
        "budget_alert");
  }
}
