package io.smbcopilot.gateway;

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
      @ResourceArg(name = "service", value = "api-gateway"),
      @ResourceArg(name = "components", value = "postgres")
    })
class ApiGatewayTest extends ServiceContractTest {

  @Override
  protected Set<String> expectedTables() {
    return Set.of("signing_key");
  }

  @Override
  protected boolean checksInternalTokens() {
    return false;
  }

  @Override
  protected boolean usesKafka() {
    return false;
  }
}
