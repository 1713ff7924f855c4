package io.smbcopilot.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the service under test at {@link TestTokens}' JWKS in place of the gateway's. */
public class InternalTokenResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return Map.of("copilot.services.api-gateway.url", TestTokens.get().gatewayUrl());
  }

  @Override
  public void stop() {
    // the JWKS server lives as long as the test JVM
  }
}
