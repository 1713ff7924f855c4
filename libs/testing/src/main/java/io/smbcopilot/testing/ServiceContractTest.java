package io.smbcopilot.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.http.ContentType;
import io.smbcopilot.devstack.DevStack;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every platform service must do, checked against the real PostgreSQL and Kafka of the
 * devstack. A service's test extends it, annotated {@code @QuarkusTest} with the {@code
 * DevStackResource} for its name.
 */
public abstract class ServiceContractTest {

  @Inject Pool pool;

  @ConfigProperty(name = "quarkus.application.name")
  String application;

  /** The tables this service's migrations create in its own schema. */
  protected abstract Set<String> expectedTables();

  /** Whether the service accepts only the gateway's internal tokens (all but the gateway). */
  protected boolean checksInternalTokens() {
    return true;
  }

  /** A valid internal token of a tenant's owner, for the calls the contract makes. */
  protected String ownerToken() {
    return TestTokens.get()
        .user(
            java.util.UUID.fromString("00000000-0000-4000-8000-00000000c0de"),
            "contract-owner",
            "owner",
            java.util.Arrays.stream(io.smbcopilot.security.Permission.values())
                .map(io.smbcopilot.security.Permission::value)
                .toList());
  }

  @Test
  void callsWithoutAValidInternalTokenAnswer401AndProbesStayOpen() {
    Assumptions.assumeTrue(checksInternalTokens(), "the gateway checks client credentials itself");
    given()
        .when()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://smbcopilot.io/problems/unauthorized"));
    String foreign =
        new io.smbcopilot.security.InternalTokenSigner(30)
            .sign(io.smbcopilot.security.InternalToken.service("someone", null));
    given()
        .header("Authorization", "Bearer " + foreign)
        .when()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(401)
        .body("detail", containsString("rejected"));
    given()
        .header("Authorization", "Bearer not-a-jwt")
        .when()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(401);
    given().when().get("/q/health/live").then().statusCode(200);
  }

  /** Whether the service's readiness depends on Kafka. */
  protected boolean usesKafka() {
    return true;
  }

  @Test
  void livenessAndReadinessAreUpWithTheRealDependencies() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    var ready = given().when().get("/q/health/ready").then().statusCode(200);
    ready.body("status", equalTo("UP"));
    String body = ready.extract().asString();
    assertThat(body).containsIgnoringCase("postgresql");
    if (usesKafka()) {
      assertThat(body).containsIgnoringCase("kafka");
    }
  }

  @Test
  void readinessGoesDownWhenPostgresStopsAndUpWhenItReturns() throws Exception {
    DevStack stack = DevStack.forTests(List.of("postgres"));
    try {
      stack.stop("postgres");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> given().get("/q/health/ready").statusCode() == 503);
      given().get("/q/health/ready").then().body("status", equalTo("DOWN"));
      given().get("/q/health/live").then().statusCode(200);
    } finally {
      stack.start("postgres");
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
  }

  @Test
  void readinessGoesDownWhenKafkaStopsAndUpWhenItReturns() throws Exception {
    Assumptions.assumeTrue(usesKafka(), "this service does not use Kafka");
    DevStack stack = DevStack.forTests(List.of("kafka"));
    try {
      stack.stop("kafka");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> given().get("/q/health/ready").statusCode() == 503);
    } finally {
      stack.start("kafka");
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
  }

  @Test
  void metricsArePrometheusText() {
    given().get("/q/health/live");
    String metrics =
        given()
            .accept("text/plain")
            .when()
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .contentType(containsString("text/plain"))
            .extract()
            .asString();
    assertThat(metrics).contains("# TYPE jvm_memory_used_bytes gauge");
    assertThat(metrics).contains("http_server_requests_seconds_count");
    if (usesKafka()) {
      assertThat(metrics).contains("copilot_outbox_pending").contains("copilot_outbox_lag_seconds");
    }
  }

  @Test
  void openApiDocumentDescribesTheService() {
    given()
        .accept(ContentType.JSON)
        .when()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("openapi", notNullValue())
        .body("info.title", containsString(application));
  }

  @Test
  void unknownRoutesAnswerProblemJsonWithTheRequestId() {
    given()
        .header("X-Request-Id", "contract-test-1")
        .header("Authorization", "Bearer " + ownerToken())
        .when()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .header("X-Request-Id", "contract-test-1")
        .body("type", equalTo("https://smbcopilot.io/problems/not-found"))
        .body("status", equalTo(404))
        .body("requestId", equalTo("contract-test-1"))
        .body("instance", equalTo("/api/v1/no-such-thing"));
  }

  @Test
  void aMissingRequestIdIsGeneratedAndEchoed() {
    String id =
        given()
            .header("Authorization", "Bearer " + ownerToken())
            .when()
            .get("/api/v1/no-such-thing")
            .then()
            .statusCode(404)
            .extract()
            .header("X-Request-Id");
    assertThat(id).matches("[0-9a-f-]{36}");
  }

  @Test
  void migrationsCreateTheTablesInTheServicesOwnSchemaAndRole() {
    Row who =
        pool.query("SELECT current_user AS u, current_schema() AS s")
            .execute()
            .await()
            .atMost(Duration.ofSeconds(10))
            .iterator()
            .next();
    String role = application.replace('-', '_');
    assertThat(who.getString("u")).isEqualTo(role);
    assertThat(who.getString("s")).isEqualTo(role);
    Set<String> tables = new TreeSet<>();
    pool.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        .execute()
        .await()
        .atMost(Duration.ofSeconds(10))
        .forEach(r -> tables.add(r.getString("table_name")));
    assertThat(tables).containsAll(expectedTables()).contains("flyway_schema_history");
  }

  @Test
  void tracingIsOffWhenNoOtlpEndpointIsConfigured() {
    // Quarkus enables the SDK by default; only libs/problem's TracingDefaults turns it off here.
    var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
    assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
  }

  @Test
  void theOpenApiDocumentListsTheHealthEndpoints() {
    given()
        .accept(ContentType.JSON)
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.keySet()", hasItem("/q/health/ready"));
  }
}
