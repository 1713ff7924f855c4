package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.smbcopilot.testing.llm.ProviderStub;
import io.smbcopilot.testing.mail.Mailbox;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The four workflow templates, made with the API and run end to end on the real services by real
 * triggers: documents uploaded to a collection are summarised and their uploader told; an invoice's
 * fields are posted to a partner's endpoint; a customer email gets a cited reply drafted, sent once
 * approved; the weekly digest is mailed. Once with the model-free defaults, once with the tenant's
 * model (a stub of OpenAI's API).
 */
class WorkflowTemplatesAcceptanceTest {
  static final String INVOICE =
      """
      Quillon Mills GmbH

      Invoice No: QM-2026-0457

      Invoice date: 14.03.2026

      Rye flour, 10 sacks, delivered to the bakery on Tuesday.

      VAT (19%): 18.92

      Total: EUR 118.50
      """;

  static final String EMAIL =
      """
      From: Carla Customer <carla@example.com>
      To: shop@bakery.example
      Subject: Refund for a birthday cake
      Date: Mon, 30 Nov 2026 09:00:00 +0000
      Message-ID: <cake-1@example.com>
      Content-Type: text/plain; charset=utf-8

      Hello, can I get a refund for the birthday cake I ordered? I have the receipt.
      Thanks, Carla
      """
          .replace("\n", "\r\n");

  static String fromTemplate(Edge edge, Edge.User user, String template, Map<String, String> p) {
    ObjectNode body = Edge.JSON.createObjectNode().put("name", template).put("template", template);
    ObjectNode parameters = body.putObject("parameters");
    p.forEach(parameters::put);
    Edge.Response r = edge.call("POST", "/api/v1/workflows", user.token(), body.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  static String collection(Edge edge, Edge.User user) {
    JsonNode all = edge.call("GET", "/api/v1/collections", user.token(), null).json();
    JsonNode items = all.has("items") ? all.get("items") : all;
    return items.get(0).get("id").asText();
  }

  /** The workflow's runs once it has {@code count} that are no longer running. */
  static JsonNode finishedRuns(Edge edge, Edge.User user, String workflow, int count) {
    return Awaitility.await()
        .alias(count + " finished run(s) of " + workflow)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> edge.call("GET", "/api/v1/workflows/" + workflow + "/runs", user.token(), null),
            r -> {
              int done = 0;
              for (JsonNode run : r.json().get("items")) {
                if (!run.get("status").asText().equals("running")) {
                  done++;
                }
              }
              return done >= count;
            })
        .json()
        .get("items");
  }

  static JsonNode run(Edge edge, Edge.User user, String id) {
    return edge.call("GET", "/api/v1/runs/" + id, user.token(), null).json();
  }

  private void allFour(Edge edge, Edge.User owner, String answerer) throws Exception {
    List<String> posted = new CopyOnWriteArrayList<>();
    HttpServer partner =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    partner.createContext(
        "/invoices",
        exchange -> {
          posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    partner.start();
    try {
      String collection = collection(edge, owner);
      Edge.Response made =
          edge.call(
              "POST", "/api/v1/collections", owner.token(), "{\"name\": \"Customer emails\"}");
      assertThat(made.status()).as(made.body()).isEqualTo(201);
      String emails = made.json().get("id").asText();
      String summaries =
          fromTemplate(edge, owner, "summarize-new-documents", Map.of("collection", collection));
      String replies =
          fromTemplate(
              edge,
              owner,
              "draft-email-reply",
              Map.of("collection", emails, "knowledge", collection));
      String invoices =
          fromTemplate(
              edge,
              owner,
              "invoice-to-partner",
              Map.of(
                  "collection",
                  collection,
                  "partnerUrl",
                  "http://127.0.0.1:" + partner.getAddress().getPort() + "/invoices"));
      String digest = fromTemplate(edge, owner, "weekly-digest", Map.of());

      CopilotAcceptanceTest.uploadIndexed(
          edge, owner, "handbook.md", CopilotAcceptanceTest.HANDBOOK);
      CopilotAcceptanceTest.uploadIndexed(edge, owner, "invoice.md", INVOICE);
      CopilotAcceptanceTest.uploadIndexed(edge, owner, "cake.eml", EMAIL, emails);

      // 1. every document of the collection summarised, its uploader told
      JsonNode summarised = finishedRuns(edge, owner, summaries, 2);
      for (JsonNode r : summarised) {
        JsonNode done = run(edge, owner, r.get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("steps").get(0).get("output").get("summarizer").asText())
            .isEqualTo(answerer);
        assertThat(done.get("steps").get(1).get("output").get("to").asText())
            .isEqualTo(owner.userId());
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  edge.call("GET", "/api/v1/notifications", owner.token(), null)
                      .body()
                      .contains("Summary of handbook.md"));

      // 4. the invoice's fields posted to the partner (the other documents too: their fields,
      // mostly missing, are what they are)
      JsonNode invoiceRuns = finishedRuns(edge, owner, invoices, 2);
      assertThat(invoiceRuns).allMatch(r -> r.get("status").asText().equals("succeeded"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> posted.size() == 2);
      assertThat(posted)
          .anyMatch(b -> b.contains("\"number\":\"QM-2026-0457\"") && b.contains("118.5"));

      // 3. only the email gets a reply drafted; it waits for approval, then is told
      JsonNode waiting = finishedRuns(edge, owner, replies, 1);
      assertThat(waiting).hasSize(1);
      String reply = waiting.get(0).get("id").asText();
      assertThat(waiting.get(0).get("status").asText()).isEqualTo("waiting");
      JsonNode draft = run(edge, owner, reply).get("steps").get(1).get("output");
      assertThat(draft.get("answerer").asText()).as(draft.toString()).isEqualTo(answerer);
      assertThat(draft.get("abstained").asBoolean()).as(draft.toString()).isFalse();
      assertThat(draft.get("answer").asText()).contains("refund");
      Edge.Response approved =
          edge.call(
              "POST",
              "/api/v1/runs/" + reply + "/approvals",
              owner.token(),
              "{\"decision\": \"approve\"}");
      assertThat(approved.status()).as(approved.body()).isEqualTo(200);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> run(edge, owner, reply).get("status").asText().equals("succeeded"));
      assertThat(run(edge, owner, reply).get("steps").get(3).get("input").get("title").asText())
          .startsWith("Reply approved: ");

      // 2. the weekly digest, started now rather than on Monday, mailed to the owner
      Edge.Response started =
          edge.call("POST", "/api/v1/workflows/" + digest + "/runs", owner.token(), "{}");
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      JsonNode week = finishedRuns(edge, owner, digest, 1);
      JsonNode done = run(edge, owner, week.get(0).get("id").asText());
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.get("steps").get(0).get("output").get("documentCount").asInt()).isEqualTo(3);
      Mailbox box = new Mailbox(Integer.parseInt(edge.state.get("smtp.imap-port")), owner.email());
      Awaitility.await()
          .alias("the digest mail")
          .atMost(Duration.ofSeconds(90))
          .until(
              box::read,
              mails ->
                  mails.stream().anyMatch(m -> m.subject().contains("Your week with the copilot")));
    } finally {
      partner.stop(0);
    }
  }

  @Test
  void theTemplatesRunWithTheModelFreeDefaults() throws Exception {
    Edge edge = Edge.get();
    allFour(edge, edge.signup("Template Bakery"), "extractive");
  }

  @Test
  void theTemplatesRunWithTheTenantsModel() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Template Model Bakery");
    try (ProviderStub stub =
        ProviderStub.start(ProviderStub.Api.OPENAI)
            .answerer(
                prompt ->
                    prompt.startsWith("JSON Schema:")
                        ? (prompt.contains("QM-2026-0457")
                            ? "{\"number\": \"QM-2026-0457\", \"date\": \"2026-03-14\","
                                + " \"supplier\": \"Quillon Mills GmbH\", \"total\": 118.5,"
                                + " \"vat\": 18.92}"
                            : "{}")
                        : prompt.contains("Question:")
                            ? CopilotProvidersAcceptanceTest.model(prompt)
                            // a summary: the text's beginning
                            : prompt.substring(0, Math.min(300, prompt.length())))) {
      assertThat(
              CopilotProvidersAcceptanceTest.settings(edge, owner, "openai", stub.baseUrl())
                  .status())
          .isEqualTo(200);
      allFour(edge, owner, "openai");
    }
  }
}
