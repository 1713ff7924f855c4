package io.smbcopilot.auth;

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
      @ResourceArg(name = "service", value = "auth-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class AuthServiceTest extends ServiceContractTest {

  @Override
  protected Set<String> expectedTables() {
    return Set.of("tenant", "membership", "outbox_event", "inbox_event", "tenant_retention");
  }
}
