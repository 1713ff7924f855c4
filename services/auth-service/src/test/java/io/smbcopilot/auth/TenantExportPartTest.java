package io.smbcopilot.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * auth-service's part of a tenant's export (libs/outbox TenantExport, issue 18): the tenant, its
 * people, roles, API keys and audit log as JSON Lines, without the digests of the keys' secrets and
 * the invitations' tokens; nothing of another tenant.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "auth-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class TenantExportPartTest {
  @Inject Pool pool;

  @Test
  void thePartHoldsTheTenantsPeopleKeysAndAuditButNoSecrets() throws Exception {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    IdentityTestSupport other = IdentityTestSupport.tenant(pool);
    String member = tenant.member("member-" + tenant.id, "member");
    String owner = tenant.ownerToken();
    given()
        .header("Authorization", "Bearer " + owner)
        .contentType("application/json")
        .body(Map.of("name", "export key " + tenant.id, "scopes", List.of("search")))
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201);
    other.member("member-" + other.id, "member");

    Map<String, String> files = part(owner, "/internal/v1/tenant-export");
    assertThat(files.get("auth-service/tenant.json")).contains(tenant.id.toString());
    assertThat(files.get("auth-service/membership.jsonl")).contains(member);
    assertThat(files.get("auth-service/api_key.jsonl"))
        .contains("export key " + tenant.id)
        .doesNotContain("secret_hash");
    assertThat(files.get("auth-service/audit_event.jsonl")).isNotEmpty();
    assertThat(files).containsKey("auth-service/invitation.jsonl");
    assertThat(String.join("\n", files.values()))
        .doesNotContain(other.id.toString())
        .doesNotContain("token_hash");

    // an admin does not manage the tenant
    given()
        .header("Authorization", "Bearer " + tenant.token("admin-" + tenant.id, "admin"))
        .get("/internal/v1/tenant-export")
        .then()
        .statusCode(403);
  }

  @Test
  void aPersonsPartHoldsOnlyTheirMembershipKeysAndAuditEntries() throws Exception {
    IdentityTestSupport tenant = IdentityTestSupport.tenant(pool);
    String admin = tenant.member("admin-" + tenant.id, "admin");
    String adminToken = tenant.token(admin, "admin");
    for (String[] maker :
        new String[][] {{adminToken, "admin's key"}, {tenant.ownerToken(), "owner's key"}}) {
      given()
          .header("Authorization", "Bearer " + maker[0])
          .contentType("application/json")
          .body(Map.of("name", maker[1] + " " + tenant.id, "scopes", List.of("search")))
          .post("/api/v1/api-keys")
          .then()
          .statusCode(201);
    }

    Map<String, String> files = part(adminToken, "/internal/v1/personal-export");
    // the tables that hold something of a person, and no others
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            "auth-service/membership.jsonl",
            "auth-service/api_key.jsonl",
            "auth-service/invitation.jsonl",
            "auth-service/audit_event.jsonl");
    assertThat(files.get("auth-service/membership.jsonl").lines())
        .singleElement()
        .asString()
        .contains(admin);
    assertThat(files.get("auth-service/api_key.jsonl"))
        .contains("admin's key " + tenant.id)
        .doesNotContain("owner's key")
        .doesNotContain("secret_hash");
    assertThat(files.get("auth-service/audit_event.jsonl").lines())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains(admin));
  }

  /** The files of the part the path answers for the token's caller, by name. */
  private static Map<String, String> part(String token, String path) throws java.io.IOException {
    byte[] zip =
        given()
            .header("Authorization", "Bearer " + token)
            .get(path)
            .then()
            .statusCode(200)
            .contentType("application/zip")
            .extract()
            .asByteArray();
    Map<String, String> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
