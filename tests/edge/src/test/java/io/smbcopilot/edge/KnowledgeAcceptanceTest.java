package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;

/**
 * Knowledge through the gateway, on the packaged services: a document whose ingestion-service is
 * killed (SIGKILL) in the middle of embedding completes after a restart, resumed from its last
 * saved batch, with each chunk once in the database and in the index.
 */
class KnowledgeAcceptanceTest {

  static Edge.Response upload(Edge edge, String token, String name, byte[] bytes) throws Exception {
    return upload(edge, token, name, bytes, null);
  }

  /** Uploads to the collection (id or name; null: the default one). */
  static Edge.Response upload(Edge edge, String token, String name, byte[] bytes, String collection)
      throws Exception {
    return upload(edge.gateway, token, name, bytes, collection);
  }

  /** Uploads through this gateway. */
  static Edge.Response upload(
      String gateway, String token, String name, byte[] bytes, String collection) throws Exception {
    String boundary = "----copilot" + UUID.randomUUID();
    String field =
        collection == null
            ? ""
            : "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\n"
                + collection
                + "\r\n";
    byte[] head =
        (field
                + "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + bytes.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(bytes, 0, body, head.length, bytes.length);
    System.arraycopy(tail, 0, body, head.length + bytes.length, tail.length);
    HttpResponse<String> r =
        Edge.HTTP.send(
            HttpRequest.newBuilder(URI.create(gateway + "/api/v1/documents"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Edge.Response(r.statusCode(), r.headers().map(), r.body());
  }

  @Test
  void aDocumentWhoseServiceIsKilledMidEmbeddingCompletesAfterRestartWithEachChunkOnce()
      throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Crash Bakery");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 240; i++) {
      text.append("Section ").append(i).append(". ");
      for (int s = 0; s < 9; s++) {
        text.append("On day ")
            .append(i)
            .append(" the Kestrel bakery team prepares dough batch ")
            .append(s)
            .append(", checks oven ")
            .append(s % 4)
            .append(" and logs the result. ");
      }
      text.append("\n\n");
    }
    Edge.Response uploaded =
        upload(
            edge,
            owner.token(),
            "operations-log.txt",
            text.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(202);
    String id = uploaded.json().get("id").asText();

    // wait until some batches are saved, then kill the service without warning
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    await()
        .alias("64 chunks embedded")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              JsonNode now =
                  edge.call("GET", "/api/v1/documents/" + id, owner.token(), null).json();
              seen.set(now);
              return "embedding".equals(now.get("status").asText())
                  && now.get("chunksDone").asInt() >= 64;
            });
    JsonNode doc = seen.get();
    assertThat(doc.get("status").asText()).isEqualTo("embedding");
    int total = doc.get("chunksTotal").asInt();
    long pid = Long.parseLong(edge.stack.status().get("app.ingestion-service.pid"));
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    process.destroyForcibly();
    process.onExit().get();
    int doneAtKill;
    try (Connection c = edge.database("ingestion-service");
        PreparedStatement s =
            c.prepareStatement("SELECT status, chunks_done FROM document WHERE id = ?::uuid")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("embedding");
        doneAtKill = rs.getInt(2);
      }
    }
    assertThat(doneAtKill).isGreaterThan(0).isLessThan(total);
    System.out.printf("knowledge: killed at %d of %d chunks%n", doneAtKill, total);

    long restarted = System.nanoTime();
    Map<String, String> state = edge.stack.startApps();
    assertThat(Long.parseLong(state.get("app.ingestion-service.pid"))).isNotEqualTo(pid);
    await()
        .alias("the document leaves embedding after the restart")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode now =
                  edge.call("GET", "/api/v1/documents/" + id, owner.token(), null).json();
              seen.set(now);
              return !"embedding".equals(now.get("status").asText());
            });
    doc = seen.get();
    assertThat(doc.get("status").asText()).isEqualTo("indexed");
    assertThat(doc.get("chunksDone").asInt()).isEqualTo(total);
    assertThat(doc.get("chunksTotal").asInt()).isEqualTo(total);
    System.out.printf(
        "knowledge: indexed %.1f s after the restart%n", (System.nanoTime() - restarted) / 1e9);
    String log = Files.readString(Path.of(state.get("app.ingestion-service.log")));
    assertThat(log).contains("resuming " + id + " at chunk " + doneAtKill);

    // each chunk once: in the database ...
    try (Connection c = edge.database("ingestion-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM chunk"
                    + " WHERE document_id = ?::uuid")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(total);
        assertThat(rs.getInt(2)).isEqualTo(total);
        assertThat(rs.getInt(3)).isZero();
        assertThat(rs.getInt(4)).isEqualTo(total - 1);
      }
    }
    // ... and in the index (its last commit, read beside the running service)
    Path index = edge.stack.home().dir().resolve("index").resolve("ingestion-service");
    try (FSDirectory dir = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      assertThat(searcher.count(new TermQuery(new Term("document", id)))).isEqualTo(total);
      Set<String> ids = new HashSet<>();
      var stored = searcher.storedFields();
      for (var sd :
          searcher.search(new TermQuery(new Term("document", id)), total + 10).scoreDocs) {
        ids.add(stored.document(sd.doc).get("id"));
      }
      assertThat(ids).hasSize(total);
    }
    // and it is searchable through the gateway, the last section too
    Edge.Response hits =
        edge.call(
            "POST",
            "/api/v1/search",
            owner.token(),
            "{\"query\":\"Section 239\",\"mode\":\"keyword\",\"topK\":3}");
    assertThat(hits.status()).isEqualTo(200);
    assertThat(hits.json().get("hits").get(0).get("text").asText()).contains("Section 239");
  }

  /**
   * A 50 MB upload and its download through an ingestion-service whose heap is 64 MB: holding the
   * file (or a copy of it) in memory would end in an OutOfMemoryError. The instance runs beside the
   * stack's (its own port and index folder, no pipeline workers), on the same schema.
   */
  @Test
  void fiftyMegabytesStreamInAndOutOfASixtyFourMegabyteHeap() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Big Files");
    Map<String, String> db = edge.stack.provision("ingestion-service");
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path home = edge.stack.home().dir().resolve("streaming-check");
    Files.createDirectories(home);
    Path jar =
        edge.stack
            .home()
            .project()
            .resolve("services/ingestion-service/target/quarkus-app/quarkus-run.jar");
    String javaBinary = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                javaBinary,
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("ingestion-64m.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    env.put("QUARKUS_DATASOURCE_USERNAME", db.get("username"));
    env.put("QUARKUS_DATASOURCE_PASSWORD", db.get("password"));
    env.put("QUARKUS_DATASOURCE_JDBC_URL", db.get("jdbc-url"));
    env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.get("reactive-url"));
    env.put("KAFKA_BOOTSTRAP_SERVERS", edge.stack.kafkaBootstrapServers());
    env.put("COPILOT_SERVICES_API_GATEWAY_URL", edge.gateway);
    env.put("COPILOT_OUTBOX_RELAY_ENABLED", "false");
    env.put("COPILOT_INGESTION_WORKERS", "0");
    env.put("COPILOT_INGESTION_INDEX_PATH", home.resolve("index").toString());
    Process process = builder.start();
    String base = "http://127.0.0.1:" + port;
    try {
      await()
          .alias("the 64 MB instance ready within 60 s")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                assertThat(process.isAlive()).as("the 64 MB instance started").isTrue();
                try {
                  return Edge.send("GET", base + "/q/health/ready", null).status() == 200;
                } catch (AssertionError notYet) {
                  return false; // not listening yet
                }
              });
      String token =
          edge.registeredSigner()
              .sign(
                  new io.smbcopilot.security.InternalToken(
                      owner.tenantId(),
                      owner.userId(),
                      io.smbcopilot.security.PrincipalType.USER,
                      java.util.List.of("owner"),
                      java.util.List.of("documents:read", "documents:write"),
                      java.util.List.of(),
                      "big-" + UUID.randomUUID(),
                      "127.0.0.1",
                      "free"));
      // 50 MB of text lines (a little under the limit, with the multipart framing)
      Path big = home.resolve("big.txt");
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      long size = 50L * 1024 * 1024 - 4096;
      try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(big))) {
        java.util.Random random = new java.util.Random(1);
        byte[] line = new byte[100];
        for (long written = 0; written < size; written += line.length) {
          for (int i = 0; i < 99; i++) {
            line[i] = (byte) ('a' + random.nextInt(26));
          }
          line[99] = '\n';
          out.write(line);
          sha.update(line);
        }
      }
      String expected = java.util.HexFormat.of().formatHex(sha.digest());
      String boundary = "----big" + UUID.randomUUID();
      HttpResponse<String> up =
          Edge.HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/documents"))
                  .version(java.net.http.HttpClient.Version.HTTP_1_1)
                  .timeout(Duration.ofSeconds(120))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .POST(
                      HttpRequest.BodyPublishers.concat(
                          HttpRequest.BodyPublishers.ofString(
                              "--"
                                  + boundary
                                  + "\r\nContent-Disposition: form-data; name=\"file\";"
                                  + " filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n"),
                          HttpRequest.BodyPublishers.ofFile(big),
                          HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
      JsonNode doc = Edge.JSON.readTree(up.body());
      assertThat(doc.get("sizeBytes").asLong()).isEqualTo(Files.size(big));
      assertThat(doc.get("sha256").asText()).isEqualTo(expected);

      HttpResponse<java.io.InputStream> down =
          Edge.HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/api/v1/documents/" + doc.get("id").asText() + "/content"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(down.statusCode()).isEqualTo(200);
      java.security.MessageDigest back = java.security.MessageDigest.getInstance("SHA-256");
      long read = 0;
      try (var in = down.body()) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          back.update(buffer, 0, n);
          read += n;
        }
      }
      assertThat(read).isEqualTo(Files.size(big));
      assertThat(java.util.HexFormat.of().formatHex(back.digest())).isEqualTo(expected);
      assertThat(process.isAlive()).as("no OutOfMemoryError").isTrue();
      Files.delete(big);
    } finally {
      process.destroy();
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      process.destroyForcibly();
    }
  }
}
