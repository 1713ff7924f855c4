package io.smbcopilot.edge;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The copilot's figures through the gateway, on the extractive answerer, at about 10,000 indexed
 * chunks: time to the first server-sent event and to done, the JSON answer, and the search alone,
 * p50 and p95, measured in turns in one run; then the golden set's figures. Prints; asserts nothing
 * about speed (targets: first event p95 <= 300 ms; a complete answer adds <= 100 ms p95 over the
 * search alone).
 *
 * <p>{@code ./mvnw -B install -DskipTests && ./mvnw -B verify -pl tests/edge -Pbench
 * -Dedge.bench=CopilotBenchmark} (-Dcopilot.documents, -Dcopilot.asks, -Dcopilot.warmup). Run it
 * with {@code COPILOT_GATEWAY_RATE_LIMIT_PLANS_FREE_TENANT_PER_MINUTE=0} so the turns are not
 * throttled.
 */
@Tag("bench")
class CopilotBenchmark {
  /** Filler documents of 25 paragraphs: about 25 chunks each. */
  static final int DOCUMENTS = Integer.getInteger("copilot.documents", 400);

  static final int ASKS = Integer.getInteger("copilot.asks", 120);

  /** The JIT keeps compiling for minutes on two cores: measure after it settles. */
  static final int WARM_UP = Integer.getInteger("copilot.warmup", 200);

  static void print(String format, Object... args) {
    System.out.print(String.format(Locale.ROOT, format, args));
  }

  static double percentile(List<Double> values, double p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double millis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  @Test
  void extractiveAnswersThroughTheGatewayAtTenThousandChunks() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Copilot Benchmark");
    List<String> ids = new ArrayList<>(GoldenSet.upload(edge, owner));
    long started = System.nanoTime();
    String token = owner.token();
    for (int d = 0; d < DOCUMENTS; d++) {
      if (d % 50 == 0) {
        token = KnowledgeBenchmark.signedIn(edge, owner).token(); // tokens live minutes
      }
      StringBuilder text = new StringBuilder("# Filler ").append(d).append("\n\n");
      for (int p = 0; p < KnowledgeBenchmark.PARAGRAPHS; p++) {
        text.append(KnowledgeBenchmark.paragraph(d, p)).append("\n\n");
      }
      Edge.Response r =
          KnowledgeAcceptanceTest.upload(
              edge, token, "filler-" + d + ".md", text.toString().getBytes(StandardCharsets.UTF_8));
      if (r.status() != 202) {
        throw new AssertionError(r.body());
      }
      ids.add(r.json().get("id").asText());
    }
    KnowledgeBenchmark.Indexed indexed =
        KnowledgeBenchmark.awaitIndexed(edge, owner, ids, Duration.ofMinutes(30));
    print(
        "copilot bench: %d documents, %d chunks indexed in %.0f s%n",
        ids.size(), indexed.chunks(), (System.nanoTime() - started) / 1e9);

    JsonNode golden = Edge.JSON.readTree(GoldenSet.home().resolve("questions.json").toFile());
    List<String> questions = new ArrayList<>();
    for (JsonNode q : golden.get("questions")) {
      questions.add(q.get("question").asText());
    }
    List<Double> search = new ArrayList<>();
    List<Double> json = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> done = new ArrayList<>();
    List<Double> added = new ArrayList<>();
    for (int i = 0; i < WARM_UP + ASKS; i++) {
      if (i % 20 == 0) {
        token = KnowledgeBenchmark.signedIn(edge, owner).token();
      }
      String question = questions.get(i % questions.size());
      String ask = Edge.JSON.createObjectNode().put("question", question).toString();
      String query = Edge.JSON.createObjectNode().put("query", question).put("topK", 5).toString();
      // In turns, so each kind meets the same conditions.
      long t = System.nanoTime();
      Edge.Response s = edge.call("POST", "/api/v1/search", token, query);
      double searchMs = millis(t);
      t = System.nanoTime();
      Edge.Response a = edge.call("POST", "/api/v1/copilot/ask", token, ask);
      double jsonMs = millis(t);
      ServerSentEvents.Stream stream =
          ServerSentEvents.post(edge.gateway + "/api/v1/copilot/ask", token, ask, e -> false);
      if (s.status() != 200 || a.status() != 200 || stream.named("done").isEmpty()) {
        throw new AssertionError(s.body() + " / " + a.body() + " / " + stream.body());
      }
      if (i >= WARM_UP) {
        search.add(searchMs);
        json.add(jsonMs);
        added.add(jsonMs - searchMs);
        first.add((double) stream.events().get(0).atMillis());
        done.add((double) stream.named("done").get(0).atMillis());
      }
    }
    print("copilot bench: %d asks of each kind after %d warm-up turns%n", ASKS, WARM_UP);
    print("copilot bench: %-34s %8s %8s%n", "", "p50 ms", "p95 ms");
    for (var row :
        List.of(
            new Object[] {"search alone (hybrid, top 5)", search},
            new Object[] {"ask, JSON answer complete", json},
            new Object[] {"ask, streamed: first event", first},
            new Object[] {"ask, streamed: done", done})) {
      @SuppressWarnings("unchecked")
      List<Double> values = (List<Double>) row[1];
      print(
          "copilot bench: %-34s %8.1f %8.1f%n",
          row[0], percentile(values, 50), percentile(values, 95));
    }
    print(
        "copilot bench: a complete answer adds %.1f ms p95 over the search alone (JSON), %.1f ms"
            + " (streamed, done)%n",
        percentile(json, 95) - percentile(search, 95),
        percentile(done, 95) - percentile(search, 95));
    print(
        "copilot bench: turn by turn, JSON answer minus the search before it: p50 %.1f, p95 %.1f"
            + " ms%n",
        percentile(added, 50), percentile(added, 95));

    Edge.Response run =
        edge.call(
            "POST",
            "/api/v1/copilot/evaluations",
            KnowledgeBenchmark.signedIn(edge, owner).token(),
            GoldenSet.request("benchmark").toString());
    print(
        "copilot bench: golden set at %d chunks: %s%n", indexed.chunks(), run.json().get("totals"));
    print("copilot bench: targets: first event p95 <= 300 ms; adds <= 100 ms p95%n");
  }
}
