package io.smbcopilot.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * This service's part of a tenant's export (libs/outbox TenantExport, issue 18), on the real
 * PostgreSQL: every table with the tenant's rows as JSON Lines, the originals as uploaded, nothing
 * of another tenant and no bookkeeping; only for a caller who manages the tenant.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class TenantExportPartTest {
  static final List<String> MANAGER =
      List.of("documents:read", "documents:write", "search", "tenant:manage");

  @Test
  void thePartHoldsTheTenantsRowsAndOriginalsAndNothingElse() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = DocumentResourceTest.token(tenant, "u-owner", "owner", MANAGER);
    String marker = "export" + UUID.randomUUID().toString().substring(0, 8);
    byte[] original =
        ("The " + marker + " delivery comes on Thursdays.\n").getBytes(StandardCharsets.UTF_8);
    String id = KnowledgeTest.upload(owner, "deliveries/../notes.txt", original, null, 202);
    assertThat(KnowledgeTest.settle(owner, id, Duration.ofSeconds(120)).getString("status"))
        .isEqualTo("indexed");
    UUID other = UUID.randomUUID();
    String stranger = DocumentResourceTest.token(other, "u-other", "owner", MANAGER);
    String theirs =
        KnowledgeTest.upload(
            stranger,
            "theirs.txt",
            "Someone else's notes.".getBytes(StandardCharsets.UTF_8),
            null,
            202);

    Map<String, byte[]> files = unzip(part(owner, 200));
    assertThat(files)
        .containsKeys(
            "ingestion-service/document.jsonl",
            "ingestion-service/chunk.jsonl",
            "ingestion-service/collection.jsonl")
        .doesNotContainKeys(
            "ingestion-service/outbox_event.jsonl",
            "ingestion-service/inbox_event.jsonl",
            "ingestion-service/job.jsonl");
    String documents = text(files, "ingestion-service/document.jsonl");
    assertThat(documents.lines()).hasSize(1);
    assertThat(documents).contains(id).contains(tenant.toString()).doesNotContain(theirs);
    assertThat(text(files, "ingestion-service/chunk.jsonl")).contains(marker);
    for (byte[] content : files.values()) {
      assertThat(new String(content, StandardCharsets.UTF_8))
          .doesNotContain(other.toString())
          .doesNotContain("Someone else's");
    }
    // the original, as uploaded, its name one path element
    assertThat(files.get("ingestion-service/originals/" + id + "/deliveries_.._notes.txt"))
        .isEqualTo(original);

    // only for who manages the tenant
    part(
        DocumentResourceTest.token(tenant, "u-member", "member", DocumentResourceTest.WRITER), 403);
  }

  static byte[] part(String auth, int status) {
    return given()
        .header("Authorization", auth)
        .get("/internal/v1/tenant-export")
        .then()
        .statusCode(status)
        .extract()
        .asByteArray();
  }

  static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), in.readAllBytes());
      }
    }
    return files;
  }

  static String text(Map<String, byte[]> files, String name) {
    assertThat(files).containsKey(name);
    return new String(files.get(name), StandardCharsets.UTF_8);
  }
}
