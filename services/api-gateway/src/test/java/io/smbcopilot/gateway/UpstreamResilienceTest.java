package io.smbcopilot.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's circuit breaker, retries and timeouts against an upstream that fails on purpose
 * ({@link StubAuthService}): threshold 3, open for 1 s, two retries, a 1 s timeout.
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
class UpstreamResilienceTest {
  private static final String KEY = "smbc_test-key";

  @TestHTTPResource("/api/v1/signup")
  URI signup;

  @BeforeEach
  void closedBreakerAndAHealthyUpstream() {
    CircuitBreakerMaintenance.get().resetAll();
    StubAuthService.mode = StubAuthService.Mode.OK;
  }

  private static int me() {
    return given().header("X-API-Key", KEY).get("/api/v1/me").statusCode();
  }

  @Test
  void aRetriedRequestCountsOnceForTheBreaker() {
    StubAuthService.mode = StubAuthService.Mode.DROP;
    for (int request = 1; request <= 3; request++) {
      int before = StubAuthService.proxied.get();
      given()
          .header("X-API-Key", KEY)
          .get("/api/v1/me")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", "1")
          .body("detail", containsString("cannot be reached"));
      assertThat(StubAuthService.proxied.get() - before)
          .as("request %d: the first attempt and two retries reached the upstream", request)
          .isEqualTo(3);
    }
    // three failed requests (nine attempts) open the breaker: now refused without a call
    int before = StubAuthService.proxied.get();
    given()
        .header("X-API-Key", KEY)
        .get("/api/v1/me")
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("detail", containsString("circuit breaker is open"));
    assertThat(StubAuthService.proxied.get()).isEqualTo(before);
  }

  @Test
  void aBodyOverTheLimitOnTheHalfOpenTrialLeavesTheBreakerWorking() throws Exception {
    StubAuthService.mode = StubAuthService.Mode.UNAVAILABLE;
    for (int i = 0; i < 3; i++) {
      // the upstream's own 503 is relayed, and counted
      given()
          .header("X-API-Key", KEY)
          .get("/api/v1/me")
          .then()
          .statusCode(503)
          .body("title", equalTo("down for maintenance"));
    }
    assertThat(me()).as("open").isEqualTo(503);
    StubAuthService.mode = StubAuthService.Mode.OK;
    // Once the breaker lets a trial through, the trial is a chunked body over the 1 KiB limit.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> overLimitSignup(http) == 413);
    // The trial settled the breaker: requests go through again.
    given().header("X-API-Key", KEY).get("/api/v1/me").then().statusCode(200);
    assertThat(me()).isEqualTo(200);
  }

  @Test
  void anUpstreamThatDoesNotAnswerInTimeIsATimeoutAndIsNotRetried() {
    StubAuthService.mode = StubAuthService.Mode.SLOW;
    int before = StubAuthService.proxied.get();
    given()
        .header("X-API-Key", KEY)
        .get("/api/v1/me")
        .then()
        .statusCode(504)
        .contentType("application/problem+json")
        .body("detail", containsString("did not answer in time"));
    assertThat(StubAuthService.proxied.get() - before).as("no retry after a timeout").isEqualTo(1);
  }

  /** A sign-up with a 2 KiB body of unannounced length (chunked), over the route's 1 KiB. */
  private int overLimitSignup(HttpClient http) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(signup)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(new byte[2048])))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
