package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.llm.ProviderStub;
import io.smbcopilot.testing.llm.ProviderStub.Reply;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's own model provider, through the gateway, on stub providers that speak the OpenAI and
 * Anthropic streaming wire formats on loopback: the key is kept and never shown, answers stream as
 * the stub produces them, citations that point nowhere are removed, usage is the provider's, a
 * client that goes away stops the provider's stream, a provider that refuses is a problem naming
 * its error, one that is down gives the extractive answer labelled as such, internal base URLs are
 * refused, and the golden set is evaluated on each stub.
 */
class CopilotProvidersAcceptanceTest {
  static final String KEY = "sk-test-stub-key-0123456789";
  private static final Pattern DOCUMENT =
      Pattern.compile("<document n=\"(\\d+)\"[^>]*>\\n(.*?)\\n</document>", Pattern.DOTALL);

  private static ProviderStub openAi;
  private static ProviderStub anthropic;

  @BeforeAll
  static void stubs() throws Exception {
    openAi =
        ProviderStub.start(ProviderStub.Api.OPENAI).answerer(CopilotProvidersAcceptanceTest::model);
    anthropic =
        ProviderStub.start(ProviderStub.Api.ANTHROPIC)
            .answerer(CopilotProvidersAcceptanceTest::model);
  }

  @AfterAll
  static void stop() {
    openAi.close();
    anthropic.close();
  }

  /**
   * The stubs' "model": the sentence of the documents sharing most words with the question, cited,
   * and a citation of a document that was not given (which must never reach the client); the
   * refusal when no sentence shares a word.
   */
  static String model(String prompt) {
    if (prompt.startsWith("<conversation>")) {
      return rewrite(prompt);
    }
    String question = prompt.substring(prompt.lastIndexOf("Question:") + 9).trim();
    Set<String> asked = words(question);
    String best = null;
    String bestN = null;
    int bestOverlap = 0;
    Matcher m = DOCUMENT.matcher(prompt);
    while (m.find()) {
      for (String sentence : m.group(2).split("(?<=[.!?])\\s+|\\n")) {
        Set<String> words = words(sentence);
        words.retainAll(asked);
        if (words.size() > bestOverlap) {
          bestOverlap = words.size();
          best = sentence.trim();
          bestN = m.group(1);
        }
      }
    }
    return best == null ? "I don't know from the documents." : best + " [" + bestN + "][9]";
  }

  /**
   * The stubs' rewriting of a follow-up: the last question with the conversation's previous
   * question beside it in brackets.
   */
  static String rewrite(String prompt) {
    String conversation = prompt.substring(0, prompt.indexOf("</conversation>"));
    String previous = conversation.substring(conversation.lastIndexOf("user: ") + 6);
    previous = previous.substring(0, previous.indexOf('\n'));
    String last = prompt.substring(prompt.lastIndexOf("Last question:") + 14).trim();
    return last + " (" + previous + ")";
  }

  private static final Set<String> STOP =
      Set.of(
          "what", "when", "does", "which", "many", "much", "have", "there", "this", "that", "with",
          "from", "must", "your", "they", "their", "where", "long", "often");

  /** Words of four letters or more, but common ones, cut to four letters (a stemmer's stand-in). */
  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() > 3 && !STOP.contains(w)) {
        words.add(w.substring(0, 4));
      }
    }
    return words;
  }

  static Edge.Response settings(Edge edge, Edge.User admin, String provider, String baseUrl) {
    return edge.call(
        "PUT",
        "/api/v1/copilot/settings",
        admin.token(),
        Edge.JSON
            .createObjectNode()
            .put("provider", provider)
            .put("baseUrl", baseUrl)
            .put("model", "stub-model")
            .put("apiKey", KEY)
            .toString());
  }

  @Test
  void aFollowUpIsRewrittenByTheModelBeforeItIsSearchedAndAnswered() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Copilot Follow-ups");
    GoldenSet.upload(edge, admin);
    assertThat(settings(edge, admin, "anthropic", anthropic.baseUrl()).status()).isEqualTo(200);

    JsonNode first = CopilotAcceptanceTest.ask(edge, admin.token(), "Who delivers the eggs?");
    assertThat(first.get("answer").asText()).contains("Fenwick Farm");
    String conversation = first.get("conversationId").asText();
    int before = anthropic.requests().size();
    JsonNode followUp =
        CopilotAcceptanceTest.ask(
            edge, admin.token(), "Which association certifies them?", conversation);

    // two calls: the rewriting, from the conversation; the answer, to the rewritten question
    List<JsonNode> calls = anthropic.requests().subList(before, anthropic.requests().size());
    assertThat(calls).hasSize(2);
    String rewriting = ProviderStub.lastUserText(calls.get(0));
    assertThat(rewriting)
        .startsWith("<conversation>\nuser: Who delivers the eggs?\nassistant: ")
        .contains("Fenwick Farm")
        .endsWith("Last question: Which association certifies them?");
    assertThat(ProviderStub.lastUserText(calls.get(1)))
        .endsWith("Question: Which association certifies them? (Who delivers the eggs?)");
    assertThat(followUp.get("answer").asText()).contains("Soil Association");
    assertThat(followUp.get("conversationId").asText()).isEqualTo(conversation);
    // both calls are the answer's cost
    assertThat(followUp.get("usage").get("inputTokens").asInt()).isEqualTo(84);
    // the conversation keeps the question as it was asked
    JsonNode kept =
        edge.call("GET", "/api/v1/copilot/conversations/" + conversation, admin.token(), null)
            .json();
    assertThat(kept.get("messages").get(2).get("content").asText())
        .isEqualTo("Which association certifies them?");
  }

  @Test
  void aTenantsProviderAnswersStreamsAndIsEvaluated() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Copilot Providers");
    Edge.User other = edge.signup("Copilot Providers Other");
    GoldenSet.upload(edge, admin);

    // Internal addresses are refused for a tenant (loopback is allowed on the devstack only).
    for (String internal :
        List.of(
            "http://169.254.169.254/latest",
            "http://10.1.2.3/v1",
            "http://metadata.google.internal/v1")) {
      Edge.Response refused = settings(edge, admin, "openai", internal);
      assertThat(refused.status()).as(internal).isEqualTo(400);
      assertThat(refused.body()).contains("baseUrl");
    }
    Edge.Response member =
        edge.call("GET", "/api/v1/copilot/settings", edge.invite(admin, "member").token(), null);
    assertThat(member.status()).isEqualTo(403);

    Edge.Response set = settings(edge, admin, "openai", openAi.baseUrl());
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("apiKeySet").asBoolean()).isTrue();
    Edge.Response got = edge.call("GET", "/api/v1/copilot/settings", admin.token(), null);
    assertThat(got.json().get("source").asText()).isEqualTo("tenant");
    assertThat(got.body()).doesNotContain(KEY);

    // JSON answer: the provider's text, its citations checked, its usage
    JsonNode answer = CopilotAcceptanceTest.ask(edge, admin.token(), "Who delivers the eggs?");
    assertThat(answer.get("answerer").asText()).isEqualTo("openai");
    assertThat(answer.get("answer").asText()).contains("Fenwick Farm").doesNotContain("[9]");
    assertThat(answer.get("removedCitations").asInt()).isEqualTo(1);
    assertThat(answer.get("citations")).hasSize(1);
    assertThat(answer.get("usage").get("inputTokens").asInt()).isEqualTo(42);
    assertThat(answer.get("usage").get("estimated").asBoolean()).isFalse();
    JsonNode request = openAi.requests().get(openAi.requests().size() - 1);
    assertThat(request.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(openAi.requestHeaders().get(openAi.requests().size() - 1).get("Authorization"))
        .containsExactly("Bearer " + KEY);
    // another tenant keeps the deployment's default
    assertThat(
            CopilotAcceptanceTest.ask(edge, other.token(), "Who delivers the eggs?")
                .get("answerer")
                .asText())
        .isEqualTo("extractive");

    // Usage: the answers by model, with the provider's tokens; admins only.
    JsonNode usage = edge.call("GET", "/api/v1/usage?groupBy=model", admin.token(), null).json();
    JsonNode byModel = null;
    for (JsonNode g : usage.get("groups")) {
      if (g.get("key").asText().equals("openai/stub-model")) {
        byModel = g;
      }
    }
    assertThat(byModel).as(usage.toString()).isNotNull();
    assertThat(byModel.get("answers").asInt()).isEqualTo(1);
    assertThat(byModel.get("inputTokens").asInt()).isEqualTo(42);
    assertThat(usage.get("usedThisMonth").asLong()).isGreaterThanOrEqualTo(42);
    assertThat(edge.call("GET", "/api/v1/usage?groupBy=week", admin.token(), null).status())
        .isEqualTo(400);

    // Streamed: the sources reach the client through the gateway long before the answer ends.
    openAi.enqueue(
        Reply.text("Eggs come from ", "Fenwick Farm ", "every morning [1].")
            .slowFirst(Duration.ofMillis(1500))
            .every(Duration.ofMillis(300)));
    ServerSentEvents.Stream stream =
        ServerSentEvents.post(
            edge.gateway + "/api/v1/copilot/ask",
            admin.token(),
            "{\"question\":\"Who delivers the eggs?\"}",
            e -> false);
    long sourcesAt = stream.named("sources").get(0).atMillis();
    long doneAt = stream.named("done").get(0).atMillis();
    System.out.printf(
        "copilot provider stream: sources at %d ms, done at %d ms%n", sourcesAt, doneAt);
    assertThat(doneAt - sourcesAt).isGreaterThan(1500);
    StringBuilder streamed = new StringBuilder();
    stream.named("delta").forEach(e -> streamed.append(e.json().get("text").asText()));
    assertThat(streamed.toString()).isEqualTo("Eggs come from Fenwick Farm every morning [1].");
    // the text came piece by piece, as the stub wrote it, not at once at the end
    List<ServerSentEvents.Event> deltas = stream.named("delta");
    assertThat(deltas.get(deltas.size() - 1).atMillis() - deltas.get(0).atMillis())
        .isGreaterThanOrEqualTo(400);

    // A client that goes away mid-answer stops the provider's stream.
    int abandoned = openAi.abandoned();
    String[] many = new String[60];
    java.util.Arrays.fill(many, "more words ");
    openAi.enqueue(Reply.text(many).every(Duration.ofMillis(100)));
    ServerSentEvents.post(
        edge.gateway + "/api/v1/copilot/ask",
        admin.token(),
        "{\"question\":\"Who delivers the eggs?\"}",
        e -> "delta".equals(e.name()));
    await()
        .alias("the provider's stream closed")
        .atMost(Duration.ofSeconds(15))
        .until(() -> openAi.abandoned() == abandoned + 1);

    // A provider that refuses the request: a problem naming its error.
    openAi.enqueue(
        Reply.status(
            401,
            Map.of(),
            ProviderStub.openAiError(
                "Incorrect API key provided", "invalid_request_error", "invalid_api_key")));
    Edge.Response refused =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            admin.token(),
            "{\"question\":\"Who delivers the eggs?\"}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(502);
    assertThat(refused.json().get("detail").asText())
        .contains("openai")
        .contains("Incorrect API key provided")
        .doesNotContain(KEY)
        .doesNotContain("at dev.langchain4j");

    // The golden set on the OpenAI stub, then on the Anthropic stub.
    for (ProviderStub stub : List.of(openAi, anthropic)) {
      String provider = stub == openAi ? "openai" : "anthropic";
      assertThat(settings(edge, admin, provider, stub.baseUrl()).status()).isEqualTo(200);
      Edge.Response run =
          edge.call(
              "POST",
              "/api/v1/copilot/evaluations",
              admin.token(),
              GoldenSet.request("golden, " + provider + " stub").toString());
      assertThat(run.status()).as(run.body()).isEqualTo(201);
      JsonNode totals = run.json().get("totals");
      System.out.printf("copilot golden set (%s stub): %s%n", provider, totals);
      assertThat(run.json().get("answerer").asText()).isEqualTo(provider);
      assertThat(totals.get("correctness").asDouble()).isGreaterThanOrEqualTo(0.85);
      assertThat(totals.get("citationValidity").asDouble()).isEqualTo(1.0);
      assertThat(totals.get("citationSupport").asDouble()).isGreaterThanOrEqualTo(0.95);
      assertThat(totals.get("refusals").asDouble()).isGreaterThanOrEqualTo(0.9);
      assertThat(totals.get("wrongfulRefusals").asDouble()).isLessThanOrEqualTo(0.1);
      assertThat(totals.get("removedCitations").asInt()).isPositive();
      assertThat(totals.get("inputTokens").asLong()).isPositive();
    }

    // A provider that is down: the extractive answer, labelled, with the reason.
    int closed;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    assertThat(settings(edge, admin, "openai", "http://127.0.0.1:" + closed + "/v1").status())
        .isEqualTo(200);
    JsonNode fallback = CopilotAcceptanceTest.ask(edge, admin.token(), "Who delivers the eggs?");
    assertThat(fallback.get("answerer").asText()).isEqualTo("extractive");
    assertThat(fallback.get("notice").asText()).contains("openai did not answer");
    assertThat(fallback.get("answer").asText()).contains("Fenwick Farm");

    // Back to the deployment's default.
    assertThat(edge.call("DELETE", "/api/v1/copilot/settings", admin.token(), null).status())
        .isEqualTo(204);
    assertThat(
            edge.call("GET", "/api/v1/copilot/settings", admin.token(), null)
                .json()
                .get("source")
                .asText())
        .isEqualTo("deployment");
  }

  @Test
  void aTenantOverItsMonthlyTokenBudgetIsRefusedThroughTheGatewayBeforeTheProviderIsAsked()
      throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Budget Bakery");
    // the devstack's "tiny" plan has a budget of 1,000 tokens a month (its Supervisor)
    edge.plan(admin.tenantId(), "tiny");
    // a passage that answers, so the model is asked (an abstention costs no tokens)
    CopilotAcceptanceTest.uploadIndexed(
        edge,
        admin,
        "suppliers.md",
        "# Suppliers\n\nFenwick Farm delivers the eggs every Monday and Thursday morning.\n");
    try (ProviderStub costly =
        ProviderStub.start(ProviderStub.Api.OPENAI)
            .answerer(CopilotProvidersAcceptanceTest::model)
            .inputTokens(2_000)) {
      assertThat(settings(edge, admin, "openai", costly.baseUrl()).status()).isEqualTo(200);
      String ask = "{\"question\":\"Who delivers the eggs?\"}";
      // answers until the plan change reaches the gateway's principal and the first answer's
      // 2,000 tokens count against it
      AtomicReference<Edge.Response> last = new AtomicReference<>();
      await()
          .alias("the tenant's budget is used up")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                last.set(edge.call("POST", "/api/v1/copilot/ask", admin.token(), ask));
                assertThat(last.get().status()).as(last.get().body()).isIn(200, 429);
                return last.get().status() == 429;
              });
      Edge.Response refused = last.get();
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().get("type").asText()).endsWith("quota-exceeded");
      assertThat(refused.json().get("detail").asText()).contains("budget");
      int asked = costly.requests().size();
      assertThat(asked).isPositive();

      // streamed (the stream's head is written at once, see CopilotResource): the refusal is the
      // stream's one event, an error holding the problem; the provider is not asked
      ServerSentEvents.Stream stream =
          ServerSentEvents.post(
              edge.gateway + "/api/v1/copilot/ask", admin.token(), ask, e -> false);
      assertThat(stream.events()).as(stream.body()).hasSize(1);
      JsonNode problem = stream.events().get(0).json();
      assertThat(stream.events().get(0).name()).isEqualTo("error");
      assertThat(problem.get("status").asInt()).isEqualTo(429);
      assertThat(problem.get("type").asText()).endsWith("quota-exceeded");
      assertThat(costly.requests()).hasSize(asked);

      // the extractive answerer costs no tokens: back on it, the tenant is answered again
      assertThat(edge.call("DELETE", "/api/v1/copilot/settings", admin.token(), null).status())
          .isEqualTo(204);
      assertThat(edge.call("POST", "/api/v1/copilot/ask", admin.token(), ask).status())
          .isEqualTo(200);
    }
  }
}
