package io.smbcopilot.edge;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ingestion, measured side by side in one run on the packaged services:
 *
 * <ol>
 *   <li>raw batched embedding throughput of all-MiniLM-L6-v2 (chunks/s, batches of 32, in this JVM,
 *       on the very chunk texts the service made), next to the service's end-to-end ingestion
 *       throughput (upload through the gateway until every document is indexed);
 *   <li>the service's resident memory (VmRSS) before and after ingesting 10,000 documents.
 * </ol>
 *
 * Not a test: {@code ./mvnw -B verify -pl tests/edge -Pbench -Dedge.bench=KnowledgeBenchmark};
 * writes target/knowledge-benchmark.txt.
 */
@Tag("bench")
class KnowledgeBenchmark {
  static final int THROUGHPUT_DOCUMENTS = 40;
  static final int PARAGRAPHS = 25;
  static final int MEMORY_DOCUMENTS = 10_000;
  static final int BATCH = 32;
  static final String[] WORDS = {
    "flour", "oven", "delivery", "customer", "invoice", "shift", "recipe", "supplier", "order",
    "cleaning", "butter", "manager", "schedule", "holiday", "price", "counter", "apron", "bread"
  };

  final StringBuilder report = new StringBuilder();

  void print(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.print(line);
    report.append(line);
  }

  static String paragraph(int doc, int p) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      s.append("In document ")
          .append(doc)
          .append(" part ")
          .append(p)
          .append(" the ")
          .append(WORDS[(doc * 7 + p * 3 + i) % WORDS.length])
          .append(" team checks the ")
          .append(WORDS[(doc + p + i * 5) % WORDS.length])
          .append(" list. ");
    }
    return s.toString();
  }

  @Test
  void ingestionThroughputAndMemory() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Ingestion Bench");
    edge.plan(owner.tenantId(), "unlimited");

    // 1. end to end: upload through the gateway until every document is indexed
    List<String> ids = new ArrayList<>();
    long start = System.nanoTime();
    for (int d = 0; d < THROUGHPUT_DOCUMENTS; d++) {
      StringBuilder text = new StringBuilder();
      for (int p = 0; p < PARAGRAPHS; p++) {
        text.append(paragraph(d, p)).append("\n\n");
      }
      Edge.Response r =
          KnowledgeAcceptanceTest.upload(
              edge,
              owner.token(),
              "bench-" + d + ".txt",
              text.toString().getBytes(StandardCharsets.UTF_8));
      if (r.status() != 202) {
        throw new AssertionError(r.body());
      }
      ids.add(r.json().get("id").asText());
    }
    int chunks = awaitIndexed(edge, owner, ids, Duration.ofMinutes(10));
    double endToEnd = chunks / ((System.nanoTime() - start) / 1e9);

    // 2. raw: the same chunk texts, embedded in batches by the model in this JVM
    List<String> texts = new ArrayList<>();
    try (Connection c = edge.database("ingestion-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT text FROM chunk WHERE document_id = ANY(?::uuid[]) ORDER BY document_id, seq")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          texts.add(rs.getString(1));
        }
      }
    }
    AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    model.embedAll(texts.subList(0, 64).stream().map(TextSegment::from).toList());
    double raw = raw(model, texts);
    print(
        "knowledge benchmark: %d documents, %d chunks (%d tokens at most), model all-MiniLM-L6-v2%n",
        THROUGHPUT_DOCUMENTS, chunks, 256);
    print("  raw batched embedding (batches of %d, this JVM)    %7.1f chunks/s%n", BATCH, raw);
    print("  service end to end (upload -> indexed, gateway)   %7.1f chunks/s%n", endToEnd);
    print("  ratio %.2f (target 0.90)%n", endToEnd / raw);

    // 3. memory: VmRSS of the service before and after 10,000 more documents
    long pid = Long.parseLong(edge.stack.status().get("app.ingestion-service.pid"));
    long before = rss(pid);
    print(
        "  ingestion-service VmRSS before %,d documents: %,d MiB%n",
        MEMORY_DOCUMENTS, before / 1024);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger next = new AtomicInteger();
    List<String> memoryIds = java.util.Collections.synchronizedList(new ArrayList<>());
    long memoryStart = System.nanoTime();
    List<Future<?>> uploads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      uploads.add(
          pool.submit(
              () -> {
                for (int d; (d = next.getAndIncrement()) < MEMORY_DOCUMENTS; ) {
                  String text = "Note " + d + ": " + paragraph(d, 0).substring(0, 200);
                  Edge.Response r =
                      KnowledgeAcceptanceTest.upload(
                          edge,
                          owner.token(),
                          "note-" + d + ".txt",
                          text.getBytes(StandardCharsets.UTF_8));
                  if (r.status() != 202) {
                    throw new AssertionError(r.body());
                  }
                  memoryIds.add(r.json().get("id").asText());
                  if (d % 2_000 == 1_999) {
                    print("    %,6d uploaded: %s%n", d + 1, memory(pid));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : uploads) {
      f.get();
    }
    pool.shutdown();
    awaitIndexed(edge, owner, memoryIds, Duration.ofMinutes(30));
    long after = rss(pid);
    print(
        "  ingestion-service VmRSS after %,d documents (all indexed, %.0f s): %,d MiB (%+.1f%%, target within 10%%)%n",
        MEMORY_DOCUMENTS,
        (System.nanoTime() - memoryStart) / 1e9,
        after / 1024,
        100.0 * (after - before) / before);
    Files.writeString(Path.of("target", "knowledge-benchmark.txt"), report.toString());
  }

  static double raw(AllMiniLmL6V2EmbeddingModel model, List<String> texts) {
    long s = System.nanoTime();
    for (int i = 0; i < texts.size(); i += BATCH) {
      model.embedAll(
          texts.subList(i, Math.min(i + BATCH, texts.size())).stream()
              .map(TextSegment::from)
              .toList());
    }
    return texts.size() / ((System.nanoTime() - s) / 1e9);
  }

  /** Waits until every document is indexed; answers their chunks. */
  static int awaitIndexed(Edge edge, Edge.User owner, List<String> ids, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = edge.database("ingestion-service");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT count(*) FILTER (WHERE status = 'indexed'),"
                      + " count(*) FILTER (WHERE status = 'failed'), coalesce(sum(chunks_total), 0)"
                      + " FROM document WHERE id = ANY(?::uuid[])")) {
        s.setArray(1, c.createArrayOf("text", ids.toArray()));
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getInt(2) > 0) {
            throw new AssertionError(rs.getInt(2) + " documents failed");
          }
          if (rs.getInt(1) == ids.size()) {
            return rs.getInt(3);
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not all " + ids.size() + " documents were indexed in " + timeout);
  }

  static long rss(long pid) throws Exception {
    return status(pid, "VmRSS:");
  }

  /** A field of /proc/pid/status, in KiB. */
  static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " for " + pid);
  }

  /** VmRSS with its anonymous (heap, native) and file-backed (jars, mapped index files) parts. */
  static String memory(long pid) throws Exception {
    return String.format(
        Locale.ROOT,
        "VmRSS %,d MiB (anonymous %,d MiB, file-backed %,d MiB)",
        status(pid, "VmRSS:") / 1024,
        status(pid, "RssAnon:") / 1024,
        status(pid, "RssFile:") / 1024);
  }
}
