package io.smbcopilot.notifications;

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
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class NotificationsServiceTest extends ServiceContractTest {

  @Override
  protected Set<String> expectedTables() {
    return Set.of(
        "notification",
        "retention_policy",
        "outbox_event",
        "inbox_event",
        "job",
        "webhook_endpoint",
        "webhook_message",
        "webhook_attempt",
        "directory_tenant",
        "directory_member",
        "notification_preference",
        "mail_message");
  }
}
