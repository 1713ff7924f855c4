package io.smbcopilot.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.EventStream;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Indexing progress pushed live: a client that follows the tenant's documents gets each change of
 * status and progress (chunks done of total) as the pipeline makes it, the deletion, and nothing of
 * a collection it may not read.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class DocumentStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TestHTTPResource("/api/v1/documents/stream")
  URL stream;

  private static String bearer(UUID tenant, String user, String role, List<String> permissions) {
    return TestTokens.get().user(tenant, user, role, permissions);
  }

  private static String text(String what) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      s.append(what).append(" paragraph ").append(i).append(": the bakery opens at seven.\n\n");
    }
    return s.toString();
  }

  /** A text document of a few chunks; its id. */
  private static String uploadText(String auth, String what, String collection) {
    return DocumentResourceTest.upload(
            auth,
            what.toLowerCase() + ".txt",
            text(what + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
            collection)
        .then()
        .statusCode(202)
        .extract()
        .jsonPath()
        .getString("id");
  }

  /** Events until the document is indexed; every event of another document is kept too. */
  private static List<JsonPath> untilIndexed(EventStream s, String id) throws Exception {
    List<JsonPath> seen = new ArrayList<>();
    for (; ; ) {
      EventStream.Event e = s.next(WAIT);
      assertThat(e).as("the stream ended before %s was indexed; saw %s", id, seen).isNotNull();
      assertThat(e.name()).isIn("document", "ready");
      if (!"document".equals(e.name())) {
        continue;
      }
      JsonPath doc = new JsonPath(e.data());
      seen.add(doc);
      if (id.equals(doc.getString("id")) && "indexed".equals(doc.getString("status"))) {
        return seen;
      }
    }
  }

  @Test
  void aFollowerSeesItsUploadGoThroughEachStatusWithItsProgressThenItsDeletion() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = bearer(tenant, "u-owner", "owner", DocumentResourceTest.WRITER);
    try (EventStream s = EventStream.open(stream.toURI(), owner, null)) {
      assertThat(s.response().statusCode()).isEqualTo(200);
      assertThat(s.response().headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      assertThat(s.next(WAIT).name()).isEqualTo("ready");

      String id = uploadText("Bearer " + owner, "Hours", null);
      List<JsonPath> seen = untilIndexed(s, id);
      List<String> statuses =
          seen.stream()
              .filter(d -> id.equals(d.getString("id")))
              .map(d -> d.getString("status"))
              .distinct()
              .toList();
      // each status in its order (a quick step may be read together with the next one)
      assertThat(statuses).last().isEqualTo("indexed");
      assertThat(statuses).isSubsetOf("queued", "parsing", "embedding", "indexed");
      assertThat(statuses)
          .isSortedAccordingTo(
              java.util.Comparator.comparingInt(
                  st -> List.of("queued", "parsing", "embedding", "indexed").indexOf(st)));
      assertThat(statuses.size()).as("statuses seen: %s", statuses).isGreaterThanOrEqualTo(2);
      JsonPath last = seen.get(seen.size() - 1);
      assertThat(last.getInt("chunksTotal")).isPositive();
      assertThat(last.getInt("chunksDone")).isEqualTo(last.getInt("chunksTotal"));
      assertThat(last.getString("collection")).isEqualTo("general");

      given()
          .header("Authorization", "Bearer " + owner)
          .delete("/api/v1/documents/" + id)
          .then()
          .statusCode(204);
      EventStream.Event deleted = s.next(WAIT);
      assertThat(deleted.name()).isEqualTo("deleted");
      assertThat(new JsonPath(deleted.data()).getString("id")).isEqualTo(id);
    }
  }

  @Test
  void aFollowerGetsNothingOfACollectionItMayNotReadNorOfAnotherTenant() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "Bearer " + bearer(tenant, "u-owner", "owner", DocumentResourceTest.WRITER);
    String member = bearer(tenant, "u-member", "member", DocumentResourceTest.READER);
    given()
        .header("Authorization", owner)
        .contentType("application/json")
        .body("{\"name\":\"board\",\"readRoles\":[\"admin\"],\"writeRoles\":[\"admin\"]}")
        .post("/api/v1/collections")
        .then()
        .statusCode(201);
    try (EventStream s = EventStream.open(stream.toURI(), member, null)) {
      assertThat(s.next(WAIT).name()).isEqualTo("ready");
      String elsewhere =
          uploadText(
              "Bearer "
                  + bearer(UUID.randomUUID(), "u-other", "owner", DocumentResourceTest.WRITER),
              "Other",
              null);
      String secret = uploadText(owner, "Minutes", "board");
      String open = uploadText(owner, "Menu", null);
      List<String> ids = untilIndexed(s, open).stream().map(d -> d.getString("id")).toList();
      assertThat(ids).contains(open).doesNotContain(secret, elsewhere);
    }
  }
}
