package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The copilot through the gateway, on the real services: a question about an uploaded document is
 * answered with sentences of it, each cited to a passage of the asking tenant that the answer's
 * sources hold verbatim; a question the documents do not answer is refused with the closest
 * passages; another tenant's documents never reach an answer; bad input is a problem.
 */
class CopilotAcceptanceTest {
  static final String HANDBOOK =
      """
      # Bakery handbook

      ## Equipment care

      The Zephyr espresso machine must be descaled every 45 days with the green tablets. The
      ovens are wiped down every evening after the last bake.

      ## Deliveries

      Flour from Quillon Mills arrives every Tuesday before seven. Butter comes from Harlowe Dairy
      on Mondays and Thursdays.

      ## Returns

      Customers get a refund within 14 days when they bring the receipt. Cakes made to order are
      not refunded.
      """;

  static JsonNode ask(Edge edge, String token, String question) {
    Edge.Response r =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            token,
            Edge.JSON.createObjectNode().put("question", question).toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    System.out.printf(
        "copilot: %s -> %s (abstained %s)%n",
        question, r.json().get("answer").asText(), r.json().get("abstained").asBoolean());
    return r.json();
  }

  static String uploadIndexed(Edge edge, Edge.User user, String name, String text)
      throws Exception {
    return uploadIndexed(edge, user, name, text, null);
  }

  static String uploadIndexed(
      Edge edge, Edge.User user, String name, String text, String collection) throws Exception {
    Edge.Response r =
        KnowledgeAcceptanceTest.upload(
            edge, user.token(), name, text.getBytes(StandardCharsets.UTF_8), collection);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().get("id").asText();
    Awaitility.await()
        .alias(name + " indexed")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                edge.call("GET", "/api/v1/documents/" + id, user.token(), null)
                    .json()
                    .get("status")
                    .asText()
                    .equals("indexed"));
    return id;
  }

  @Test
  void answersAreQuotedAndCitedFromTheTenantsOwnDocumentsOrRefused() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Copilot Bakery");
    Edge.User other = edge.signup("Other Bakery");
    String handbook = uploadIndexed(edge, owner, "handbook.md", HANDBOOK);
    // The other tenant's document holds a number that must never reach the first tenant.
    uploadIndexed(
        edge,
        other,
        "secret.md",
        "# Machines\n\nThe Zephyr espresso machine is descaled every 731 days in this shop.\n");

    JsonNode answer = ask(edge, owner.token(), "How often does the coffee machine need descaling?");
    assertThat(answer.get("abstained").asBoolean()).isFalse();
    assertThat(answer.get("answerer").asText()).isEqualTo("extractive");
    assertThat(answer.get("answer").asText()).contains("every 45 days").contains("[1]");
    assertThat(answer.toString()).doesNotContain("731");
    List<String> quotes = new ArrayList<>();
    for (JsonNode c : answer.get("citations")) {
      JsonNode source = answer.get("sources").get(c.get("n").asInt() - 1);
      assertThat(c.get("documentId").asText()).isEqualTo(handbook);
      assertThat(c.get("chunkId").asText()).startsWith(handbook + ":");
      assertThat(source.get("text").asText()).contains(c.get("quote").asText());
      assertThat(answer.get("answer").asText()).contains(c.get("quote").asText());
      quotes.add(c.get("quote").asText());
    }
    assertThat(quotes).isNotEmpty();
    assertThat(answer.get("citations").get(0).get("location").get("headings").toString())
        .contains("Equipment care");

    JsonNode refund = ask(edge, owner.token(), "Can I get my money back for a birthday cake?");
    assertThat(refund.get("abstained").asBoolean()).isFalse();
    assertThat(refund.get("answer").asText()).contains("not refunded");

    // Not in the documents: refused, with the closest passages and no citation.
    JsonNode unknown = ask(edge, owner.token(), "Who won the football world cup in 1998?");
    assertThat(unknown.get("abstained").asBoolean()).as(unknown.toString()).isTrue();
    assertThat(unknown.get("citations")).isEmpty();

    // The other tenant asks the same: only its own document answers.
    JsonNode theirs = ask(edge, other.token(), "How often does the coffee machine need descaling?");
    assertThat(theirs.toString()).doesNotContain(handbook).doesNotContain("45 days");

    // Bad input: problems.
    Edge.Response empty =
        edge.call("POST", "/api/v1/copilot/ask", owner.token(), "{\"question\":\"\"}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.header("Content-Type")).startsWith("application/problem+json");
    Edge.Response tooLong =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            owner.token(),
            Edge.JSON.createObjectNode().put("question", "why ".repeat(600)).toString());
    assertThat(tooLong.status()).isEqualTo(400);
    Edge.Response conversation =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            owner.token(),
            "{\"question\":\"and then?\",\"conversationId\":\""
                + java.util.UUID.randomUUID()
                + "\"}");
    assertThat(conversation.status()).isEqualTo(404);
    Edge.Response foreignCollection =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            owner.token(),
            "{\"question\":\"descaling\",\"collections\":[\"no-such-collection\"]}");
    assertThat(foreignCollection.status()).as(foreignCollection.body()).isEqualTo(404);
  }

  static JsonNode ask(Edge edge, String token, String question, String conversationId) {
    Edge.Response r =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            token,
            Edge.JSON
                .createObjectNode()
                .put("question", question)
                .put("conversationId", conversationId)
                .toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    System.out.printf(
        "copilot: %s -> %s (abstained %s)%n",
        question, r.json().get("answer").asText(), r.json().get("abstained").asBoolean());
    return r.json();
  }

  @Test
  void conversationsKeepEachAnswerAndFollowUpsUseThemAndNobodyElseSeesThem() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Copilot Conversations");
    Edge.User member = edge.invite(owner, "member");
    String handbook = uploadIndexed(edge, owner, "handbook.md", HANDBOOK);

    JsonNode first = ask(edge, owner.token(), "When does the flour arrive?");
    String conversation = first.get("conversationId").asText();
    assertThat(first.get("answer").asText()).contains("every Tuesday");
    assertThat(first.get("messageId").asText()).isNotBlank();
    // A short follow-up: the last question's words join the search.
    JsonNode followUp = ask(edge, owner.token(), "And the butter?", conversation);
    assertThat(followUp.get("conversationId").asText()).isEqualTo(conversation);
    assertThat(followUp.get("answer").asText()).contains("Harlowe Dairy");

    Edge.Response got =
        edge.call("GET", "/api/v1/copilot/conversations/" + conversation, owner.token(), null);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    JsonNode messages = got.json().get("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(0).get("content").asText()).isEqualTo("When does the flour arrive?");
    assertThat(messages.get(3).get("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(3).get("content").asText()).isEqualTo(followUp.get("answer").asText());
    assertThat(messages.get(3).get("citations").get(0).get("documentId").asText())
        .isEqualTo(handbook);
    assertThat(got.json().get("title").asText()).isEqualTo("When does the flour arrive?");

    JsonNode list = edge.call("GET", "/api/v1/copilot/conversations", owner.token(), null).json();
    assertThat(list.get("items")).hasSize(1);
    assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(conversation);

    // Someone else of the same tenant: none of it is theirs.
    assertThat(
            edge.call("GET", "/api/v1/copilot/conversations", member.token(), null)
                .json()
                .get("items"))
        .isEmpty();
    assertThat(
            edge.call("GET", "/api/v1/copilot/conversations/" + conversation, member.token(), null)
                .status())
        .isEqualTo(404);
    Edge.Response foreign =
        edge.call(
            "POST",
            "/api/v1/copilot/ask",
            member.token(),
            "{\"question\":\"and then?\",\"conversationId\":\"" + conversation + "\"}");
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(
            edge.call(
                    "DELETE", "/api/v1/copilot/conversations/" + conversation, member.token(), null)
                .status())
        .isEqualTo(404);

    // Rename and delete.
    Edge.Response renamed =
        edge.call(
            "PATCH",
            "/api/v1/copilot/conversations/" + conversation,
            owner.token(),
            "{\"title\":\"Deliveries\"}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("title").asText()).isEqualTo("Deliveries");
    assertThat(
            edge.call(
                    "PATCH",
                    "/api/v1/copilot/conversations/" + conversation,
                    owner.token(),
                    "{\"title\":\"\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            edge.call(
                    "DELETE", "/api/v1/copilot/conversations/" + conversation, owner.token(), null)
                .status())
        .isEqualTo(204);
    assertThat(
            edge.call("GET", "/api/v1/copilot/conversations/" + conversation, owner.token(), null)
                .status())
        .isEqualTo(404);
  }

  @Test
  void theAnswerStreamsAsServerSentEventsThroughTheGateway() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Copilot Streaming");
    String handbook = uploadIndexed(edge, owner, "handbook.md", HANDBOOK);

    ServerSentEvents.Stream stream =
        ServerSentEvents.post(
            edge.gateway + "/api/v1/copilot/ask",
            owner.token(),
            "{\"question\":\"When does the flour arrive?\"}",
            e -> false);
    assertThat(stream.status()).as(stream.body()).isEqualTo(200);
    assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
    assertThat(stream.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
    List<String> names =
        stream.events().stream().filter(e -> e.name() != null).map(e -> e.name()).toList();
    System.out.printf("copilot stream: %s%n", names);
    // sources first, then the text with its citations, then usage and done, in that order
    assertThat(names.get(0)).isEqualTo("sources");
    assertThat(names.subList(names.size() - 2, names.size())).containsExactly("usage", "done");
    assertThat(names).contains("delta", "citation").doesNotContain("error");
    JsonNode done = stream.named("done").get(0).json();
    StringBuilder text = new StringBuilder();
    stream.named("delta").forEach(e -> text.append(e.json().get("text").asText()));
    assertThat(text.toString()).isEqualTo(done.get("answer").asText()).contains("every Tuesday");
    JsonNode sources = stream.named("sources").get(0).json().get("sources");
    for (ServerSentEvents.Event e : stream.named("citation")) {
      JsonNode c = e.json().get("citation");
      assertThat(c.get("documentId").asText()).isEqualTo(handbook);
      assertThat(sources.get(c.get("n").asInt() - 1).get("text").asText())
          .contains(c.get("quote").asText());
    }
    assertThat(stream.named("citation")).hasSameSizeAs(done.get("citations"));
    // kept like a JSON answer: the conversation holds it
    JsonNode kept =
        edge.call(
                "GET",
                "/api/v1/copilot/conversations/" + done.get("conversationId").asText(),
                owner.token(),
                null)
            .json();
    assertThat(kept.get("messages").get(1).get("content").asText())
        .isEqualTo(done.get("answer").asText());

    // Refused before the answer starts: the stream's only event is an error holding the problem
    // (Quarkus REST has sent the stream's 200 head by then; the JSON answer says 404 itself).
    ServerSentEvents.Stream foreign =
        ServerSentEvents.post(
            edge.gateway + "/api/v1/copilot/ask",
            owner.token(),
            "{\"question\":\"and then?\",\"conversationId\":\""
                + java.util.UUID.randomUUID()
                + "\"}",
            e -> false);
    assertThat(foreign.events()).hasSize(1);
    JsonNode problem = foreign.named("error").get(0).json();
    assertThat(problem.get("status").asInt()).isEqualTo(404);
    assertThat(problem.get("detail").asText()).contains("conversation");
    // Bad input is refused before the stream: validation comes first
    ServerSentEvents.Stream empty =
        ServerSentEvents.post(
            edge.gateway + "/api/v1/copilot/ask", owner.token(), "{\"question\":\"\"}", e -> false);
    assertThat(empty.status()).isEqualTo(400);
  }

  @Test
  void theGoldenSetEvaluatesTheExtractiveAnswererAndTheRunIsKept() throws Exception {
    Edge edge = Edge.get();
    Edge.User admin = edge.signup("Copilot Golden");
    Edge.User member = edge.invite(admin, "member");
    GoldenSet.upload(edge, admin);

    Edge.Response run =
        edge.call(
            "POST",
            "/api/v1/copilot/evaluations",
            admin.token(),
            GoldenSet.request("golden, extractive").toString());
    assertThat(run.status()).as(run.body()).isEqualTo(201);
    JsonNode totals = run.json().get("totals");
    System.out.printf("copilot golden set (extractive): %s%n", totals);
    for (JsonNode r : run.json().get("results")) {
      if (r.get("answerable").asBoolean() != r.get("correct").asBoolean()
              && r.get("answerable").asBoolean()
          || !r.get("answerable").asBoolean() && !r.get("abstained").asBoolean()) {
        System.out.printf(
            "copilot golden miss: %s -> %s%n",
            r.get("question").asText(), r.get("answer").asText());
      }
    }
    assertThat(totals.get("questions").asInt()).isEqualTo(50);
    assertThat(totals.get("unanswerable").asInt()).isEqualTo(10);
    assertThat(run.json().get("answerer").asText()).isEqualTo("extractive");
    assertThat(totals.get("correctness").asDouble()).isGreaterThanOrEqualTo(0.85);
    assertThat(totals.get("citationValidity").asDouble()).isEqualTo(1.0);
    assertThat(totals.get("citationSupport").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(totals.get("refusals").asDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(totals.get("wrongfulRefusals").asDouble()).isLessThanOrEqualTo(0.1);
    String id = run.json().get("id").asText();

    // kept: listed with its totals, readable again; another tenant's admin and a member see none
    JsonNode list = edge.call("GET", "/api/v1/copilot/evaluations", admin.token(), null).json();
    assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(id);
    assertThat(list.get("items").get(0).get("totals")).isEqualTo(totals);
    Edge.Response again =
        edge.call("GET", "/api/v1/copilot/evaluations/" + id, admin.token(), null);
    assertThat(again.json().get("results")).hasSize(50);
    Edge.User stranger = edge.signup("Copilot Golden Stranger");
    assertThat(
            edge.call("GET", "/api/v1/copilot/evaluations/" + id, stranger.token(), null).status())
        .isEqualTo(404);
    assertThat(edge.call("GET", "/api/v1/copilot/evaluations", member.token(), null).status())
        .isEqualTo(403);
    Edge.Response empty =
        edge.call("POST", "/api/v1/copilot/evaluations", admin.token(), "{\"questions\":[]}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.header("Content-Type")).startsWith("application/problem+json");
  }
}
