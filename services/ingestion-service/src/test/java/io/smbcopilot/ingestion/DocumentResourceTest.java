package io.smbcopilot.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Uploads, storage, download, deletion and collection access, on the real Postgres and Kafka. */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class DocumentResourceTest {
  static final List<String> WRITER = List.of("documents:read", "documents:write", "search");
  static final List<String> READER = List.of("documents:read", "search");

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  static String token(UUID tenant, String user, String role, List<String> permissions) {
    return "Bearer " + TestTokens.get().user(tenant, user, role, permissions);
  }

  static Response upload(String auth, String name, byte[] bytes, String collection) {
    var request =
        given()
            .header("Authorization", auth)
            .multiPart("file", name, bytes)
            .multiPart("title", "T " + name);
    if (collection != null) {
      request = request.multiPart("collection", collection);
    }
    return request.when().post("/api/v1/documents");
  }

  @Test
  void anUploadIsStoredOnceDownloadableListedAnnouncedAndDeletable() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner", WRITER);
    byte[] text =
        ("Opening hours: Monday to Friday, 7 to 18.\n" + UUID.randomUUID())
            .getBytes(StandardCharsets.UTF_8);
    Response first = upload(owner, "hours.txt", text, null);
    first
        .then()
        .statusCode(202)
        .body("status", equalTo("queued"))
        .body("mediaType", equalTo("text/plain"))
        .body("collection", equalTo("general"));
    String id = first.jsonPath().getString("id");
    assertThat(first.jsonPath().getString("sha256")).hasSize(64);

    // the same bytes again: the same document
    upload(owner, "copy.txt", text, null).then().statusCode(200).body("id", equalTo(id));

    byte[] back =
        given()
            .header("Authorization", owner)
            .when()
            .get("/api/v1/documents/" + id + "/content")
            .then()
            .statusCode(200)
            .header("Content-Disposition", equalTo("attachment; filename*=UTF-8''hours.txt"))
            .header("Content-Type", startsWith("text/plain"))
            // streamed in pieces (chunked), so no Content-Length: an answer with both is refused
            // by a proxy (the gateway's HTTP client answered 502; RFC 9112, section 6.3)
            .header("Transfer-Encoding", equalTo("chunked"))
            .header("Content-Length", org.hamcrest.Matchers.nullValue())
            .extract()
            .asByteArray();
    assertThat(back).isEqualTo(text);

    given()
        .header("Authorization", owner)
        .when()
        .get("/api/v1/documents")
        .then()
        .statusCode(200)
        .body("items.id", org.hamcrest.Matchers.hasItem(id));

    // announced through the outbox: document.uploaded on the documents topic
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "doc-test-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.DOCUMENTS));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      DocumentUploaded found = null;
      while (found == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          CloudEvent event = KafkaCloudEvents.fromRecord(record);
          if (!EventType.DOCUMENT_UPLOADED.typeName().equals(event.type())) {
            continue;
          }
          DocumentUploaded data = event.dataAs(DocumentUploaded.class);
          if (data.documentId().equals(id)) {
            assertThat(record.key()).isEqualTo(tenant.toString());
            found = data;
          }
        }
      }
      assertThat(found).as("document.uploaded event").isNotNull();
      assertThat(found.sizeBytes()).isEqualTo(text.length);
      assertThat(found.mediaType()).isEqualTo("text/plain");
    }

    // another tenant sees nothing
    String stranger = token(UUID.randomUUID(), "u-x", "owner", WRITER);
    given()
        .header("Authorization", stranger)
        .when()
        .get("/api/v1/documents/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", stranger)
        .when()
        .get("/api/v1/documents/" + id + "/content")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", stranger)
        .when()
        .delete("/api/v1/documents/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", stranger)
        .when()
        .get("/api/v1/documents")
        .then()
        .statusCode(200)
        .body("items", org.hamcrest.Matchers.empty());

    given()
        .header("Authorization", owner)
        .when()
        .delete("/api/v1/documents/" + id)
        .then()
        .statusCode(204);
    given()
        .header("Authorization", owner)
        .when()
        .get("/api/v1/documents/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", owner)
        .when()
        .get("/api/v1/documents/" + id + "/content")
        .then()
        .statusCode(404);
  }

  @Test
  void aLargeOriginalIsStoredInPiecesAndComesBackWhole() {
    String owner = token(UUID.randomUUID(), "u-owner", "owner", WRITER);
    // 2.5 MiB of text: three pieces of copilot.ingestion.blob-chunk-size (1 MiB)
    StringBuilder text = new StringBuilder();
    java.util.Random random = new java.util.Random(42);
    while (text.length() < 2_621_440) {
      text.append("line ").append(random.nextInt(1_000_000)).append(" of the ledger\n");
    }
    byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String id =
        upload(owner, "ledger.txt", bytes, null).then().statusCode(202).extract().path("id");
    byte[] back =
        given()
            .header("Authorization", owner)
            .get("/api/v1/documents/" + id + "/content")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertThat(back).hasSize(bytes.length).isEqualTo(bytes);
  }

  @Test
  void theTypeComesFromTheContentAndBadFilesAreRefusedClearly() {
    String owner = token(UUID.randomUUID(), "u-owner", "owner", WRITER);
    byte[] pdf =
        "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
            .getBytes(StandardCharsets.US_ASCII);
    upload(owner, "looks-like-text.txt", pdf, null)
        .then()
        .statusCode(202)
        .body("mediaType", equalTo("application/pdf"));
    byte[] png = {
      (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'
    };
    upload(owner, "picture.pdf", png, null)
        .then()
        .statusCode(415)
        .body("type", equalTo("https://smbcopilot.io/problems/unsupported-media-type"));
    upload(owner, "empty.txt", new byte[0], null).then().statusCode(400);
    given()
        .header("Authorization", owner)
        .multiPart("title", "no file")
        .when()
        .post("/api/v1/documents")
        .then()
        .statusCode(400);
  }

  @Test
  void restrictedCollectionsAreInvisibleToThoseWhoMayNotReadThem() {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner", WRITER);
    String member = token(tenant, "u-member", "member", WRITER);
    String viewer = token(tenant, "u-viewer", "viewer", READER);
    given()
        .header("Authorization", owner)
        .contentType("application/json")
        .body("{\"name\":\"board\",\"readRoles\":[\"admin\"],\"writeRoles\":[\"admin\"]}")
        .when()
        .post("/api/v1/collections")
        .then()
        .statusCode(201);
    String secret =
        upload(owner, "minutes.txt", "Board minutes".getBytes(StandardCharsets.UTF_8), "board")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id");

    given()
        .header("Authorization", member)
        .when()
        .get("/api/v1/collections")
        .then()
        .statusCode(200)
        .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("board")))
        .body("name", org.hamcrest.Matchers.hasItem("general"));
    given()
        .header("Authorization", member)
        .when()
        .get("/api/v1/documents/" + secret)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", member)
        .when()
        .get("/api/v1/documents")
        .then()
        .statusCode(200)
        .body("items.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(secret)));
    upload(member, "mine.txt", "x".getBytes(StandardCharsets.UTF_8), "board")
        .then()
        .statusCode(404);
    // a reader without documents:write cannot upload at all
    upload(viewer, "v.txt", "v".getBytes(StandardCharsets.UTF_8), null).then().statusCode(403);
    given()
        .header("Authorization", owner)
        .when()
        .get("/api/v1/documents/" + secret)
        .then()
        .statusCode(200);
  }
}
