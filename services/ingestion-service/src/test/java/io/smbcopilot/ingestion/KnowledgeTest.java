package io.smbcopilot.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.events.Topics;
import io.smbcopilot.events.documents.DocumentFailed;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.outbox.KafkaSettings;
import io.smbcopilot.testing.InternalTokenResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The pipeline end to end in the service, on the real PostgreSQL and Kafka with the embedded Lucene
 * index: the corpus in twelve formats becomes searchable by keyword, vector and hybrid search with
 * the right locations; access and tenant isolation hold inside the index query; deletion removes
 * vectors and text; redelivered events, reindexing and duplicate uploads leave no duplicate chunks;
 * bad input fails with a reason while the service stays healthy.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class KnowledgeTest {
  static final List<String> WRITER = DocumentResourceTest.WRITER;

  @Inject io.vertx.mutiny.sqlclient.Pool pool;

  /** The rows of a query, in the test's own connection. */
  io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> query(
      String sql, Object... params) {
    return pool.preparedQuery(sql)
        .execute(io.vertx.mutiny.sqlclient.Tuple.from(java.util.Arrays.asList(params)))
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  @Inject ChunkIndex index;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  static String token(UUID tenant, String user, String role) {
    return DocumentResourceTest.token(tenant, user, role, WRITER);
  }

  static String upload(String auth, String name, byte[] bytes, String collection, int status) {
    return DocumentResourceTest.upload(auth, name, bytes, collection)
        .then()
        .statusCode(status)
        .extract()
        .jsonPath()
        .getString("id");
  }

  static JsonPath document(String auth, String id) {
    return given()
        .header("Authorization", auth)
        .get("/api/v1/documents/" + id)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** Waits until the document is indexed or failed; answers its last state. */
  static JsonPath settle(String auth, String id, Duration timeout) {
    Set<String> seen = new java.util.LinkedHashSet<>();
    java.util.concurrent.atomic.AtomicReference<JsonPath> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                JsonPath doc = document(auth, id);
                last.set(doc);
                seen.add(doc.getString("status"));
                return Set.of("indexed", "failed").contains(doc.getString("status"));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(id + " did not finish in " + timeout + "; states seen " + seen, e);
    }
    return last.get();
  }

  static JsonPath search(String auth, String body, int status) {
    return given()
        .header("Authorization", auth)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/search")
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  static String query(String q, String mode, int topK, String filter) {
    return "{\"query\":\""
        + q.replace("\"", "\\\"")
        + "\",\"mode\":\""
        + mode
        + "\",\"topK\":"
        + topK
        + (filter == null ? "" : ",\"filter\":" + filter)
        + "}";
  }

  boolean inInbox(String eventId) {
    return query(
            "SELECT 1 FROM inbox_event WHERE consumer = $1 AND event_id = $2",
            io.smbcopilot.ingestion.messaging.DocumentEventsConsumer.CONSUMER,
            eventId)
        .iterator()
        .hasNext();
  }

  long chunkRows(String documentId) {
    return query(
            "SELECT count(*) AS n FROM chunk WHERE document_id = $1", UUID.fromString(documentId))
        .iterator()
        .next()
        .getLong("n");
  }

  @Test
  void theCorpusInEveryFormatIsFoundByKeywordVectorAndHybridSearchWithItsLocation()
      throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    Map<String, String> ids = new HashMap<>();
    for (Corpus.Doc doc : Corpus.all()) {
      ids.put(doc.file(), upload(owner, doc.file(), doc.bytes(), null, 202));
    }
    for (Map.Entry<String, String> e : ids.entrySet()) {
      JsonPath doc = settle(owner, e.getValue(), Duration.ofSeconds(180));
      assertThat(doc.getString("status"))
          .as(e.getKey() + ": " + doc.getString("error"))
          .isEqualTo("indexed");
      assertThat(doc.getInt("chunksTotal")).as(e.getKey()).isPositive();
      assertThat(doc.getInt("chunksDone")).isEqualTo(doc.getInt("chunksTotal"));
      assertThat(index.count(tenant, UUID.fromString(e.getValue())))
          .as(e.getKey() + " chunks in the index")
          .isEqualTo(doc.getInt("chunksTotal"));
    }
    assertThat(document(owner, ids.get("handbook.pdf")).getInt("pages")).isEqualTo(3);
    CloudEvent indexed = event(EventType.DOCUMENT_INDEXED, ids.get("handbook.pdf"));
    assertThat(indexed.tenantId()).isEqualTo(tenant.toString());
    assertThat(indexed.dataAs(DocumentIndexed.class).chunks())
        .isEqualTo(document(owner, ids.get("handbook.pdf")).getInt("chunksTotal"));
    assertThat(document(owner, ids.get("training.pptx")).getInt("pages")).isEqualTo(3);

    List<String> misses = new ArrayList<>();
    for (Corpus.Fact fact : Corpus.FACTS) {
      for (String mode : List.of("keyword", "vector", "hybrid")) {
        String q = "keyword".equals(mode) ? fact.keywords() : fact.question();
        List<Map<String, Object>> hits =
            search(owner, query(q, mode, 5, null), 200).getList("hits");
        Map<String, Object> hit =
            hits.stream()
                .filter(h -> h.get("documentId").equals(ids.get(fact.file())))
                .filter(h -> ((String) h.get("text")).contains(fact.snippet()))
                .findFirst()
                .orElse(null);
        if (hit == null) {
          misses.add(
              mode
                  + " '"
                  + q
                  + "' -> "
                  + fact.file()
                  + " not in the top 5: "
                  + hits.stream().map(h -> h.get("title")).toList());
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> location = (Map<String, Object>) hit.get("location");
        assertThat(hit.get("title")).isEqualTo("T " + fact.file());
        if (fact.page() != null) {
          String where = fact.file().endsWith(".pptx") ? "slide" : "page";
          assertThat(location.get(where)).as(fact.file() + " " + where).isEqualTo(fact.page());
        }
        if (fact.heading() != null) {
          assertThat((List<Object>) location.get("headings"))
              .as(fact.file() + " headings")
              .contains(fact.heading());
        }
        if (fact.sheet() != null) {
          assertThat(location.get("sheet")).as(fact.file() + " sheet").isEqualTo(fact.sheet());
        }
      }
    }
    assertThat(misses).isEmpty();

    // highlights: the best sentence of the passage that answers is the one that says it, quoted
    // where it stands in the passage
    List<String> wrong = new ArrayList<>();
    for (Corpus.Fact fact : Corpus.FACTS) {
      List<Map<String, Object>> hits =
          search(
                  owner,
                  "{\"query\":\"" + fact.question() + "\",\"topK\":5,\"highlights\":true}",
                  200)
              .getList("hits");
      Map<String, Object> hit =
          hits.stream()
              .filter(h -> h.get("documentId").equals(ids.get(fact.file())))
              .filter(h -> ((String) h.get("text")).contains(fact.snippet()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(fact.question() + ": no hit"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sentences = (List<Map<String, Object>>) hit.get("highlights");
      Map<String, Object> best = sentences.get(0);
      String text = (String) hit.get("text");
      assertThat(text.substring((Integer) best.get("start"), (Integer) best.get("end")))
          .isEqualTo(best.get("text"));
      assertThat((Float) best.get("score"))
          .isGreaterThanOrEqualTo((Float) sentences.get(sentences.size() - 1).get("score"));
      if (!((String) best.get("text")).contains(fact.snippet())) {
        wrong.add(fact.question() + " -> " + best.get("text"));
      }
    }
    assertThat(wrong).as("the best sentence is not the one that answers").isEmpty();
    List<Map<String, Object>> plain =
        search(owner, query("descaling", "hybrid", 3, null), 200).getList("hits");
    assertThat(plain).isNotEmpty().allSatisfy(h -> assertThat(h).doesNotContainKey("highlights"));

    // filters: tags, documents; a bad mode and an empty query are problems
    String pdf = ids.get("handbook.pdf");
    List<String> onlyPdf =
        search(
                owner,
                query("descaled flour", "keyword", 10, "{\"documentIds\":[\"" + pdf + "\"]}"),
                200)
            .getList("hits.documentId");
    assertThat(onlyPdf).isNotEmpty().containsOnly(pdf);
    assertThat(search(owner, query("x", "fuzzy", 5, null), 400).getString("errors[0].field"))
        .isEqualTo("mode");
    search(owner, "{\"query\":\"\"}", 400);
    search(owner, query("x", "hybrid", 51, null), 400);
  }

  @Test
  void searchSeesOnlyWhatTheCallerMayReadInsideTheIndexQuery() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    String ownerA = token(a, "a-owner", "owner");
    String memberA = token(a, "a-member", "member");
    String ownerB = token(b, "b-owner", "owner");
    given()
        .header("Authorization", ownerA)
        .contentType(ContentType.JSON)
        .body("{\"name\":\"board\",\"readRoles\":[\"admin\"],\"writeRoles\":[\"admin\"]}")
        .post("/api/v1/collections")
        .then()
        .statusCode(201);
    String open =
        upload(
            ownerA,
            "open.txt",
            text("The Quasar project budget is 5000 euros for the shop."),
            null,
            202);
    String board =
        upload(
            ownerA,
            "board.txt",
            text("The Quasar board salary review is confidential."),
            "board",
            202);
    String other =
        upload(ownerB, "b.txt", text("Tenant B keeps its Quasar notes here."), null, 202);
    assertThat(settle(ownerA, open, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("indexed");
    assertThat(settle(ownerA, board, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("indexed");
    assertThat(settle(ownerB, other, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("indexed");

    for (String mode : List.of("keyword", "vector", "hybrid")) {
      assertThat(
              search(ownerA, query("Quasar", mode, 10, null), 200)
                  .getList("hits.documentId", String.class))
          .as("owner A, " + mode)
          .contains(open, board)
          .doesNotContain(other);
      assertThat(
              search(memberA, query("Quasar", mode, 10, null), 200)
                  .getList("hits.documentId", String.class))
          .as("member A, " + mode)
          .contains(open)
          .doesNotContain(board, other);
      assertThat(
              search(
                      memberA,
                      query("Quasar", mode, 10, "{\"documentIds\":[\"" + board + "\"]}"),
                      200)
                  .getList("hits"))
          .as("member A asking for the board document by id, " + mode)
          .isEmpty();
      assertThat(
              search(
                      ownerB,
                      query(
                          "Quasar",
                          mode,
                          10,
                          "{\"documentIds\":[\"" + open + "\",\"" + board + "\"]}"),
                      200)
                  .getList("hits"))
          .as("tenant B asking for A's documents by id, " + mode)
          .isEmpty();
      assertThat(
              search(ownerB, query("Quasar", mode, 10, null), 200)
                  .getList("hits.documentId", String.class))
          .as("tenant B, " + mode)
          .containsOnly(other);
    }
    // naming a collection one may not read is a 404, as for any other object
    search(memberA, query("Quasar", "keyword", 10, "{\"collections\":[\"board\"]}"), 404);
    String boardId =
        given()
            .header("Authorization", ownerA)
            .get("/api/v1/collections/board")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("id");
    search(ownerB, query("Quasar", "keyword", 10, "{\"collections\":[\"" + boardId + "\"]}"), 404);
    given().header("Authorization", ownerB).get("/api/v1/documents/" + open).then().statusCode(404);
    given()
        .header("Authorization", memberA)
        .get("/api/v1/documents/" + board)
        .then()
        .statusCode(404);

    // the index itself: a query with B's tenant and A's collection finds nothing
    UUID generalA = UUID.fromString(document(ownerA, open).getString("collectionId"));
    float[] any = new float[io.smbcopilot.ingestion.pipeline.Embedder.DIMENSIONS];
    any[0] = 1;
    ChunkIndex.Filter wrongTenant = new ChunkIndex.Filter(b, Set.of(generalA), Set.of(), Set.of());
    assertThat(index.keyword("Quasar", wrongTenant, 10)).isEmpty();
    assertThat(index.vector(any, wrongTenant, 10)).isEmpty();
    ChunkIndex.Filter right = new ChunkIndex.Filter(a, Set.of(generalA), Set.of(), Set.of());
    assertThat(index.keyword("Quasar", right, 10))
        .extracting(h -> h.documentId().toString())
        .containsOnly(open);

    // opening the board collection to members makes it searchable for them at once
    given()
        .header("Authorization", ownerA)
        .contentType(ContentType.JSON)
        .body("{\"readRoles\":[]}")
        .patch("/api/v1/collections/board")
        .then()
        .statusCode(200);
    assertThat(
            search(memberA, query("Quasar", "keyword", 10, null), 200)
                .getList("hits.documentId", String.class))
        .contains(open, board);
    // a member may not change or delete collections; deleting board removes its documents' chunks
    given()
        .header("Authorization", memberA)
        .delete("/api/v1/collections/board")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", ownerA)
        .delete("/api/v1/collections/general")
        .then()
        .statusCode(409);
    given()
        .header("Authorization", ownerA)
        .delete("/api/v1/collections/board")
        .then()
        .statusCode(204);
    assertThat(index.count(a, UUID.fromString(board))).isZero();
    assertThat(chunkRows(board)).isZero();
    given()
        .header("Authorization", ownerA)
        .get("/api/v1/documents/" + board)
        .then()
        .statusCode(404);
  }

  @Test
  void anOriginalStoredInSeveralPiecesIsReadWhole() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    // Words at the start, in the middle and at the end, 1.1 MiB of blank lines each between them:
    // three
    // pieces of copilot.ingestion.blob-chunk-size (1 MiB) and very little to embed.
    String blank = "\n".repeat(1_100_000);
    String id =
        upload(
            owner,
            "ledger.txt",
            text(
                "The Ashgrove ledger opens in January.\n"
                    + blank
                    + "Midway the Brisbury account is settled.\n"
                    + blank
                    + "The Corrowen balance closes the year.\n"),
            null,
            202);
    UUID uuid = UUID.fromString(id);
    assertThat(
            query("SELECT count(*) AS n FROM document_blob WHERE document_id = $1", uuid)
                .iterator()
                .next()
                .getLong("n"))
        .isEqualTo(3);
    JsonPath doc = settle(owner, id, Duration.ofSeconds(60));
    assertThat(doc.getString("status")).isEqualTo("indexed");
    for (String word : List.of("Ashgrove", "Brisbury", "Corrowen")) {
      assertThat(search(owner, query(word, "keyword", 5, null), 200).getList("hits.documentId"))
          .as(word)
          .containsExactly(id);
    }
  }

  @Test
  void deletingADocumentRemovesItsOriginalChunksAndVectors() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    String id =
        upload(owner, "gone.txt", text("The Umberfield contract renews every March."), null, 202);
    JsonPath doc = settle(owner, id, Duration.ofSeconds(60));
    assertThat(doc.getString("status")).isEqualTo("indexed");
    UUID uuid = UUID.fromString(id);
    assertThat(index.count(tenant, uuid)).isPositive();
    assertThat(chunkRows(id)).isPositive();
    assertThat(search(owner, query("Umberfield", "keyword", 5, null), 200).getList("hits"))
        .isNotEmpty();

    given().header("Authorization", owner).delete("/api/v1/documents/" + id).then().statusCode(204);
    assertThat(index.count(tenant, uuid)).isZero();
    assertThat(chunkRows(id)).isZero();
    assertThat(
            query("SELECT count(*) AS n FROM document_blob WHERE document_id = $1", uuid)
                .iterator()
                .next()
                .getLong("n"))
        .isZero();
    for (String mode : List.of("keyword", "vector", "hybrid")) {
      assertThat(
              search(owner, query("Umberfield contract renews", mode, 5, null), 200)
                  .getList("hits"))
          .as(mode)
          .isEmpty();
    }
  }

  @Test
  void redeliveredEventsReindexAndDuplicateUploadsLeaveEachChunkOnce() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append("Paragraph ")
          .append(i)
          .append(": the Osterley kitchen rota lists who bakes")
          .append(" bread, who cleans the ovens and who opens the shop on day ")
          .append(i)
          .append(".\n\n");
    }
    byte[] bytes = text(text.toString());
    // two uploads of the same bytes at once: one document
    List<java.util.concurrent.CompletableFuture<String>> both = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      both.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  DocumentResourceTest.upload(owner, "rota.txt", bytes, null)
                      .then()
                      .extract()
                      .jsonPath()
                      .getString("id")));
    }
    String id = both.get(0).get();
    assertThat(both.get(1).get()).isEqualTo(id);
    JsonPath doc = settle(owner, id, Duration.ofSeconds(120));
    int total = doc.getInt("chunksTotal");
    assertThat(total).isGreaterThan(1);
    UUID uuid = UUID.fromString(id);
    assertThat(index.count(tenant, uuid)).isEqualTo(total);

    // the uploaded event again, as Kafka may redeliver it, and once more under a new id
    CloudEvent original = event(EventType.DOCUMENT_UPLOADED, id);
    CloudEvent copy =
        CloudEvent.of(
            EventType.DOCUMENT_UPLOADED,
            original.source(),
            original.tenantId(),
            original.subject(),
            original.dataAs(DocumentUploaded.class));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "redeliver-" + UUID.randomUUID()))) {
      producer.send(KafkaCloudEvents.toRecord(Topics.DOCUMENTS, original)).get();
      producer.send(KafkaCloudEvents.toRecord(Topics.DOCUMENTS, copy)).get();
    }
    String indexedAt = document(owner, id).getString("updatedAt");
    // wait until the pipeline's consumer has taken the copy (its id is in the inbox) ...
    await()
        .alias("the copy reaches the consumer")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> inInbox(copy.id()));
    // ... and neither event started the document again: not touched since it was indexed
    await()
        .alias("the document stays as it was indexed")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .until(() -> indexedAt.equals(document(owner, id).getString("updatedAt")));
    assertThat(document(owner, id).getString("updatedAt")).isEqualTo(indexedAt);
    assertThat(document(owner, id).getString("status")).isEqualTo("indexed");
    assertThat(index.count(tenant, uuid)).isEqualTo(total);
    assertThat(chunkRows(id)).isEqualTo(total);

    // reindex: back through the pipeline, the same chunks once
    given()
        .header("Authorization", owner)
        .post("/api/v1/documents/" + id + "/reindex")
        .then()
        .statusCode(202)
        .body("status", equalTo("queued"));
    assertThat(settle(owner, id, Duration.ofSeconds(120)).getString("status")).isEqualTo("indexed");
    assertThat(index.count(tenant, uuid)).isEqualTo(total);
    assertThat(chunkRows(id)).isEqualTo(total);
    assertThat(
            search(owner, query("Osterley kitchen rota", "keyword", 50, null), 200)
                .getList("hits.chunk", Integer.class))
        .doesNotHaveDuplicates();
  }

  /** The event of this type about the document, from the documents topic. */
  CloudEvent event(EventType type, String documentId) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "knowledge-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(Topics.DOCUMENTS));
      java.util.concurrent.atomic.AtomicReference<CloudEvent> found =
          new java.util.concurrent.atomic.AtomicReference<>();
      await()
          .alias("a " + type.typeName() + " event for " + documentId)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(500))) {
                  CloudEvent event = KafkaCloudEvents.fromRecord(record);
                  if (type.typeName().equals(event.type())
                      && ("document/" + documentId).equals(event.subject())) {
                    found.set(event);
                  }
                }
                return found.get() != null;
              });
      return found.get();
    }
  }

  @Test
  void badInputIsRefusedOrFailsWithAReasonAndTheServiceStaysHealthy() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    // refused at upload
    DocumentResourceTest.upload(owner, "empty.txt", new byte[0], null).then().statusCode(400);
    byte[] png = {
      (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'
    };
    DocumentResourceTest.upload(owner, "picture.pdf", png, null).then().statusCode(415);
    // bytes of no known type are refused whatever their name says
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    for (String name : List.of("something.pdf", "something.docx", "something.bin")) {
      DocumentResourceTest.upload(owner, name, noise, null)
          .then()
          .statusCode(415)
          .body("detail", org.hamcrest.Matchers.containsString("whatever its name says"));
    }
    DocumentResourceTest.upload(
            owner,
            "laughs.xml",
            text("<?xml version=\"1.0\"?>" + Corpus.LAUGHS + "<lolz>&lol9;</lolz>"),
            null)
        .then()
        .statusCode(415);

    // accepted, then failed with a reason
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put(upload(owner, "bomb.docx", Corpus.zipBombDocx(300), null, 202), "zip bomb");
    expected.put(
        upload(owner, "ledger.docx", Corpus.repeatedXmlBombDocx(300), null, 202),
        "refused as a safety measure");
    expected.put(
        upload(owner, "nested.docx", Corpus.nestedBombDocx(300), null, 202),
        "inner.docx!/word/document.xml");
    expected.put(upload(owner, "laughs.docx", Corpus.entityExpansionDocx(), null, 202), "entit");
    expected.put(
        upload(owner, "secret.pdf", Corpus.pdf(List.of(List.of("secret")), "pw"), null, 202),
        "encrypted");
    expected.put(
        upload(owner, "corrupt.pdf", text("%PDF-1.7\n" + "garbage ".repeat(2000)), null, 202),
        "could not be read as a PDF: it is damaged, incomplete");
    byte[] docx = Corpus.docx(List.of("# Returns", "Returns are accepted within 30 days."));
    expected.put(
        upload(owner, "cut.docx", java.util.Arrays.copyOf(docx, docx.length * 2 / 3), null, 202),
        "could not be read as a Word document (DOCX): it is damaged, incomplete");
    byte[] line = new byte[20 * 1024 * 1024];
    java.util.Arrays.fill(line, (byte) 'a');
    for (int i = 7; i < line.length; i += 8) {
      line[i] = ' ';
    }
    expected.put(upload(owner, "line.txt", line, null, 202), "characters");
    // a PDF named .txt is read as the PDF it is
    String misnamed =
        upload(
            owner,
            "really-a-pdf.txt",
            Corpus.pdf(List.of(List.of("The Yarrowby invoice is due in May.")), null),
            null,
            202);
    // and a good document after all of them
    String good =
        upload(owner, "good.txt", text("The Fairhaven van is serviced in June."), null, 202);

    for (Map.Entry<String, String> e : expected.entrySet()) {
      JsonPath doc = settle(owner, e.getKey(), Duration.ofSeconds(180));
      assertThat(doc.getString("status")).as(doc.getString("fileName")).isEqualTo("failed");
      assertThat(doc.getString("error"))
          .as(doc.getString("fileName"))
          .containsIgnoringCase(e.getValue());
      assertThat(index.count(tenant, UUID.fromString(e.getKey()))).isZero();
    }
    String bomb = expected.keySet().iterator().next();
    DocumentFailed failed = event(EventType.DOCUMENT_FAILED, bomb).dataAs(DocumentFailed.class);
    assertThat(failed.reason()).isEqualTo(document(owner, bomb).getString("error"));
    JsonPath pdf = settle(owner, misnamed, Duration.ofSeconds(60));
    assertThat(pdf.getString("status")).isEqualTo("indexed");
    assertThat(pdf.getString("mediaType")).isEqualTo("application/pdf");
    assertThat(settle(owner, good, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("indexed");
    assertThat(
            search(owner, query("Fairhaven van", "keyword", 5, null), 200)
                .getList("hits.documentId"))
        .containsExactly(good);
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void listAndSearchFilterByTagStatusAndCollection() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = token(tenant, "u-owner", "owner");
    String tagged =
        given()
            .header("Authorization", owner)
            .multiPart("file", "policy.txt", text("The Norland holiday policy gives 25 days."))
            .multiPart("tags", "hr, policy")
            .post("/api/v1/documents")
            .then()
            .statusCode(202)
            .body("tags", org.hamcrest.Matchers.contains("hr", "policy"))
            .extract()
            .jsonPath()
            .getString("id");
    String plain =
        upload(owner, "menu.txt", text("The Norland lunch menu changes weekly."), null, 202);
    settle(owner, tagged, Duration.ofSeconds(60));
    settle(owner, plain, Duration.ofSeconds(60));
    assertThat(
            given()
                .header("Authorization", owner)
                .queryParam("tag", "hr")
                .get("/api/v1/documents")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.id", String.class))
        .containsExactly(tagged);
    assertThat(
            given()
                .header("Authorization", owner)
                .queryParam("status", "indexed")
                .queryParam("collection", "general")
                .get("/api/v1/documents")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.id", String.class))
        .containsExactlyInAnyOrder(tagged, plain);
    assertThat(
            given()
                .header("Authorization", owner)
                .queryParam("status", "failed")
                .get("/api/v1/documents")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items"))
        .isEmpty();
    for (String mode : List.of("keyword", "vector", "hybrid")) {
      assertThat(
              search(owner, query("Norland", mode, 10, "{\"tags\":[\"hr\"]}"), 200)
                  .getList("hits.documentId", String.class))
          .as(mode)
          .containsOnly(tagged);
      assertThat(
              search(owner, query("Norland", mode, 10, "{\"collections\":[\"general\"]}"), 200)
                  .getList("hits.documentId", String.class))
          .as(mode)
          .contains(tagged, plain);
    }
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
