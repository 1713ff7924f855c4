package io.smbcopilot.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * auth-service's answers are reused from the gateway's cache (quarkus-cache) for their TTL (1 s
 * here), concurrent requests share one check, and a check is made again once the TTL has passed.
 */
@QuarkusTest
@WithTestResource(StubAuthService.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "api-gateway"),
      @ResourceArg(name = "components", value = "postgres")
    })
class PrincipalCacheTest {

  @Test
  void aKeyCheckThatCannotReachAuthServiceIsRetriedThenRefusedWithAProblemAndNotRemembered() {
    String key = "smbc_down-" + UUID.randomUUID();
    int before = StubAuthService.keyChecks.get();
    StubAuthService.dropKeyChecks = true;
    try {
      given()
          .header("X-API-Key", key)
          .get("/api/v1/me")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", "1");
      assertThat(StubAuthService.keyChecks.get() - before)
          .as("the REST client's first call and its two retries")
          .isEqualTo(3);
    } finally {
      StubAuthService.dropKeyChecks = false;
    }
    // the failure was not cached: the next request checks again, and passes
    given().header("X-API-Key", key).get("/api/v1/me").then().statusCode(200);
    assertThat(StubAuthService.keyChecks.get() - before).isEqualTo(4);
  }

  @Test
  void anApiKeysCheckIsSharedByConcurrentRequestsAndReusedForItsTtl() throws Exception {
    StubAuthService.mode = StubAuthService.Mode.OK;
    String key = "smbc_cache-" + UUID.randomUUID();
    int before = StubAuthService.keyChecks.get();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> given().header("X-API-Key", key).get("/api/v1/me").statusCode(), pool));
      }
      for (CompletableFuture<Integer> call : calls) {
        assertThat(call.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(StubAuthService.keyChecks.get() - before)
        .as("twenty requests with one key, one check")
        .isEqualTo(1);
    // after the TTL the key is checked again (a revoked key stops working within it)
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              given().header("X-API-Key", key).get("/api/v1/me").then().statusCode(200);
              return StubAuthService.keyChecks.get() - before == 2;
            });
  }
}
