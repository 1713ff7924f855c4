package io.smbcopilot.workflow;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.Rows;
import io.smbcopilot.testing.TestTokens;
import io.smbcopilot.workflow.exports.TenantExports;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's export archive (issue 18) is downloaded whole, as its pieces were stored, by who
 * manages the tenant, until it expires (a clock the test moves); then it is refused (410) and the
 * sweep deletes its bytes. One export is built at a time; one being built cannot be downloaded.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class TenantExportExpiryTest {
  @Inject Pool pool;
  @Inject TenantExports exports;

  @AfterEach
  void clock() {
    QuarkusMock.installMockForType(new RetentionClock(), RetentionClock.class);
  }

  @Test
  void anArchiveIsDownloadedWholeUntilItExpiresThenItsBytesGo() throws Throwable {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Rows rows = new Rows(pool);
    UUID tenant = UUID.randomUUID();
    String owner =
        TestTokens.get().user(tenant, "owner-" + tenant, "owner", List.of("tenant:manage"));
    UUID id = UUID.randomUUID();
    rows.update(
        "INSERT INTO tenant_export (id, tenant_id, requested_by, status, requested_at, finished_at,"
            + " expires_at, size_bytes, sha256) VALUES ($1, $2, $3, 'ready', $4, $4, $5, 11, $6)",
        Tuple.of(
            id,
            tenant,
            "owner-" + tenant,
            now.atOffset(ZoneOffset.UTC),
            now.plus(Duration.ofDays(7)).atOffset(ZoneOffset.UTC),
            HexFormat.of().formatHex(sha256("hello world"))));
    rows.update(
        "INSERT INTO tenant_export_piece (export_id, tenant_id, seq, bytes) VALUES ($1, $2, 0, $3),"
            + " ($1, $2, 1, $4)",
        Tuple.of(
            id,
            tenant,
            io.vertx.core.buffer.Buffer.buffer("hello "),
            io.vertx.core.buffer.Buffer.buffer("world")));

    QuarkusMock.installMockForType(
        RetentionClock.at(now.plus(Duration.ofDays(6))), RetentionClock.class);
    var archive =
        given()
            .header("Authorization", "Bearer " + owner)
            .get("/api/v1/tenant/exports/" + id + "/archive")
            .then()
            .statusCode(200)
            .contentType("application/zip")
            .header("Content-Length", "11")
            .extract();
    assertThat(archive.asString()).isEqualTo("hello world");
    assertThat(archive.header("Repr-Digest"))
        .isEqualTo("sha-256=:" + Base64.getEncoder().encodeToString(sha256("hello world")) + ":");
    // another tenant's owner does not see it
    given()
        .header(
            "Authorization",
            "Bearer "
                + TestTokens.get()
                    .user(UUID.randomUUID(), "stranger", "owner", List.of("tenant:manage")))
        .get("/api/v1/tenant/exports/" + id + "/archive")
        .then()
        .statusCode(404);

    // past its time: refused at once, its bytes deleted by the sweep
    QuarkusMock.installMockForType(
        RetentionClock.at(now.plus(Duration.ofDays(8))), RetentionClock.class);
    given()
        .header("Authorization", "Bearer " + owner)
        .get("/api/v1/tenant/exports/" + id + "/archive")
        .then()
        .statusCode(410)
        .contentType("application/problem+json");
    VertxContextSupport.subscribeAndAwait(() -> exports.sweep());
    assertThat(rows.count("SELECT 1 FROM tenant_export_piece WHERE export_id = $1", id)).isZero();
    given()
        .header("Authorization", "Bearer " + owner)
        .get("/api/v1/tenant/exports/" + id)
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("expired"))
        .body("archive", org.hamcrest.Matchers.nullValue());

    // one being built: not downloadable, and no second one
    UUID building = UUID.randomUUID();
    rows.update(
        "INSERT INTO tenant_export (id, tenant_id, requested_by, status, requested_at)"
            + " VALUES ($1, $2, $3, 'building', $4)",
        Tuple.of(building, tenant, "owner-" + tenant, now.atOffset(ZoneOffset.UTC)));
    given()
        .header("Authorization", "Bearer " + owner)
        .get("/api/v1/tenant/exports/" + building + "/archive")
        .then()
        .statusCode(409);
    given()
        .header("Authorization", "Bearer " + owner)
        .post("/api/v1/tenant/export")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    assertThat(
            rows.count(
                "SELECT 1 FROM tenant_export WHERE tenant_id = $1 AND status = 'building'", tenant))
        .isEqualTo(1);
  }

  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
  }
}
