package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Workflows through the gateway, on the real services: a workflow's search and ask steps read the
 * owner's documents as the owner (the worker's service account gets the owner's token from the
 * gateway), answer with citations and meter the answer; another tenant's documents never reach it;
 * a workflow whose owner was removed from the tenant stops at its next such step, saying why.
 */
class WorkflowsAcceptanceTest {
  static final String DEFINITION =
      """
      {"trigger": {"type": "manual"},
       "steps": [
         {"id": "find", "type": "search", "inputs": {"query": "espresso machine descaling", "topK": 3}},
         {"id": "answer", "type": "ask",
          "inputs": {"question": "How often does the espresso machine need descaling?"}},
         {"id": "tell", "type": "notify",
          "inputs": {"channel": "in-app", "title": "Descaling",
                     "body": {"expr": "steps.answer.output.answer"}}}
       ]}""";

  static String create(Edge edge, Edge.User user, String definition) {
    Edge.Response r =
        edge.call(
            "POST",
            "/api/v1/workflows",
            user.token(),
            "{\"name\": \"Descaling\", \"definition\": " + definition + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  static JsonNode run(Edge edge, Edge.User user, String workflow) {
    return run(edge, user, workflow, "{}");
  }

  static JsonNode run(Edge edge, Edge.User user, String workflow, String input) {
    Edge.Response started =
        edge.call(
            "POST",
            "/api/v1/workflows/" + workflow + "/runs",
            user.token(),
            "{\"input\": " + input + "}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String run = started.json().get("id").asText();
    Awaitility.await()
        .alias("run " + run + " finished")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                !edge.call("GET", "/api/v1/runs/" + run, user.token(), null)
                    .json()
                    .get("status")
                    .asText()
                    .equals("running"));
    JsonNode done = edge.call("GET", "/api/v1/runs/" + run, user.token(), null).json();
    System.out.printf("workflow run %s: %s%n", run, done);
    return done;
  }

  @Test
  void searchAndAskStepsReadTheOwnersDocumentsAsTheOwner() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Workflow Bakery");
    Edge.User other = edge.signup("Other Workflow Bakery");
    String handbook =
        CopilotAcceptanceTest.uploadIndexed(
            edge, owner, "handbook.md", CopilotAcceptanceTest.HANDBOOK);
    CopilotAcceptanceTest.uploadIndexed(
        edge,
        other,
        "secret.md",
        "# Machines\n\nThe Zephyr espresso machine is descaled every 731 days in this shop.\n");

    JsonNode done = run(edge, owner, create(edge, owner, DEFINITION));
    assertThat(done.get("status").asText()).isEqualTo("succeeded");
    JsonNode find = done.get("steps").get(0);
    assertThat(find.get("output").get("count").asInt()).isPositive();
    for (JsonNode hit : find.get("output").get("hits")) {
      assertThat(hit.get("documentId").asText()).isEqualTo(handbook);
    }
    JsonNode answer = done.get("steps").get(1).get("output");
    assertThat(answer.get("abstained").asBoolean()).isFalse();
    assertThat(answer.get("answer").asText()).contains("every 45 days").contains("[1]");
    assertThat(answer.get("citations").get(0).get("documentId").asText()).isEqualTo(handbook);
    assertThat(find.toString() + answer).doesNotContain("731 days");
    assertThat(done.get("steps").get(2).get("input").get("body").asText()).contains("45 days");

    // the answer was metered like any other
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                edge.call("GET", "/api/v1/usage?groupBy=user", owner.token(), null)
                    .json()
                    .toString()
                    .contains("{\"key\":\"" + owner.userId() + "\",\"answers\":1,"));
  }

  @Test
  void aRemovedOwnersWorkflowStopsSayingWhy() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Removal Bakery");
    Edge.User admin = edge.invite(owner, "admin");
    String workflow = create(edge, admin, DEFINITION);
    Edge.Response removed =
        edge.call("DELETE", "/api/v1/members/" + admin.userId(), owner.token(), null);
    assertThat(removed.status()).as(removed.body()).isEqualTo(204);
    // once the gateway knows (its membership cache lasts 3 s), the admin's own calls are refused
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> edge.call("GET", "/api/v1/me", admin.token(), null).status() == 403);

    JsonNode done = run(edge, owner, workflow);
    assertThat(done.get("status").asText()).isEqualTo("failed");
    assertThat(done.get("error").asText())
        .contains("step find")
        .contains("no member of the tenant any more");
    assertThat(done.get("steps").get(0).get("errorCode").asText()).isEqualTo("owner");
    assertThat(done.get("steps").get(0).get("attempts").asInt()).isEqualTo(1);

    // saved again by the owner, it is theirs and runs
    Edge.Response saved =
        edge.call(
            "PUT",
            "/api/v1/workflows/" + workflow,
            owner.token(),
            "{\"name\": \"Descaling\", \"definition\": " + DEFINITION + "}");
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    assertThat(saved.json().get("ownerId").asText()).isEqualTo(owner.userId());
    assertThat(run(edge, owner, workflow).get("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void aDocumentsFieldsAndSummaryComeOutOfItsIndexedText() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Invoice Bakery");
    String invoice =
        CopilotAcceptanceTest.uploadIndexed(
            edge,
            owner,
            "invoice.md",
            """
            Quillon Mills GmbH

            Invoice No: QM-2026-0457

            Invoice date: 14.03.2026

            Rye flour, 10 sacks, delivered to the bakery on Tuesday.

            VAT (19%): 18.92

            Total: EUR 118.50
            """);
    String workflow =
        create(
            edge,
            owner,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "fields", "type": "extract",
                "inputs": {"documentId": {"expr": "trigger.documentId"},
                           "fields": {"type": "object", "properties": {
                             "number": {"type": "string"}, "date": {"type": "string", "format": "date"},
                             "total": {"type": "number"}, "vat": {"type": "number"}}}}},
               {"id": "short", "type": "summarize",
                "inputs": {"documentId": {"expr": "trigger.documentId"}, "sentences": 2}}
             ]}""");
    JsonNode done = run(edge, owner, workflow, "{\"documentId\": \"" + invoice + "\"}");
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
    JsonNode fields = done.get("steps").get(0).get("output").get("fields");
    assertThat(fields.get("number").asText()).isEqualTo("QM-2026-0457");
    assertThat(fields.get("date").asText()).isEqualTo("2026-03-14");
    assertThat(fields.get("total").asDouble()).isEqualTo(118.5);
    assertThat(fields.get("vat").asDouble()).isEqualTo(18.92);
    assertThat(done.get("steps").get(1).get("output").get("summary").asText()).isNotBlank();

    // another tenant's document cannot be read this way
    Edge.User other = edge.signup("Nosy Bakery");
    String theirs =
        create(
            edge,
            other,
            """
        {"trigger": {"type": "manual"},
         "steps": [{"id": "short", "type": "summarize",
                    "inputs": {"documentId": {"expr": "trigger.documentId"}}}]}""");
    JsonNode refused = run(edge, other, theirs, "{\"documentId\": \"" + invoice + "\"}");
    assertThat(refused.get("status").asText()).isEqualTo("failed");
    assertThat(refused.get("steps").get(0).get("errorCode").asText()).isEqualTo("document");
    assertThat(refused.toString()).doesNotContain("QM-2026");
  }

  @Test
  void generateSummarizeAndExtractUseTheTenantsModelAndAreMetered() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Model Bakery");
    try (io.smbcopilot.testing.llm.ProviderStub stub =
        io.smbcopilot.testing.llm.ProviderStub.start(
                io.smbcopilot.testing.llm.ProviderStub.Api.OPENAI)
            .answerer(
                prompt ->
                    prompt.startsWith("JSON Schema:")
                        ? "Here it is: {\"number\": \"QM-9\", \"total\": 118.5, \"extra\": 1}"
                        : prompt.startsWith("Write")
                            ? "Thank you for the flour, Quillon Mills."
                            : "The mill delivered rye flour.")) {
      assertThat(
              CopilotProvidersAcceptanceTest.settings(edge, owner, "openai", stub.baseUrl())
                  .status())
          .isEqualTo(200);
      String workflow =
          create(
              edge,
              owner,
              """
              {"trigger": {"type": "manual"},
               "steps": [
                 {"id": "note", "type": "generate",
                  "inputs": {"prompt": "Write a two-line thank-you note for the flour delivery"}},
                 {"id": "fields", "type": "extract",
                  "inputs": {"text": "Invoice QM-9, total 118.50",
                             "fields": {"type": "object", "properties": {
                               "number": {"type": "string"}, "total": {"type": "number"},
                               "date": {"type": "string"}}}}},
                 {"id": "short", "type": "summarize",
                  "inputs": {"text": "Quillon Mills delivered ten sacks of rye flour on Tuesday."}}
               ]}""");
      JsonNode done = run(edge, owner, workflow);
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
      JsonNode steps = done.get("steps");
      assertThat(steps.get(0).get("output").get("text").asText())
          .isEqualTo("Thank you for the flour, Quillon Mills.");
      assertThat(steps.get(0).get("output").get("model").asText()).isEqualTo("openai/stub-model");
      JsonNode fields = steps.get(1).get("output");
      assertThat(fields.get("extractor").asText()).isEqualTo("openai");
      assertThat(fields.get("fields").get("number").asText()).isEqualTo("QM-9");
      assertThat(fields.get("fields").get("total").asDouble()).isEqualTo(118.5);
      assertThat(fields.get("fields").has("extra")).isFalse(); // only the schema's properties
      assertThat(fields.get("missing").toString()).isEqualTo("[\"date\"]");
      assertThat(steps.get(2).get("output").get("summary").asText())
          .isEqualTo("The mill delivered rye flour.");
      assertThat(steps.get(2).get("output").get("summarizer").asText()).isEqualTo("openai");
      assertThat(stub.requests()).hasSize(3);
      // three model calls, metered as the model's
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  edge.call("GET", "/api/v1/usage?groupBy=model", owner.token(), null)
                      .json()
                      .toString()
                      .contains("{\"key\":\"openai/stub-model\",\"answers\":3,"));
    }
  }

  @Test
  void aReportTellsWhatTheWeekBrought() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Report Bakery");
    CopilotAcceptanceTest.uploadIndexed(edge, owner, "handbook.md", CopilotAcceptanceTest.HANDBOOK);
    CopilotAcceptanceTest.ask(edge, owner.token(), "How often is the espresso machine descaled?");
    CopilotAcceptanceTest.ask(edge, owner.token(), "How often is the espresso machine descaled?");
    CopilotAcceptanceTest.ask(edge, owner.token(), "When does the flour arrive?");
    String failing =
        create(
            edge,
            owner,
            """
            {"trigger": {"type": "manual"},
             "steps": [{"id": "steal", "type": "http",
                        "inputs": {"url": "https://169.254.169.254/latest/meta-data/"}}]}""");
    assertThat(run(edge, owner, failing).get("status").asText()).isEqualTo("failed");

    String weekly =
        create(
            edge,
            owner,
            """
            {"trigger": {"type": "manual"},
             "steps": [
               {"id": "week", "type": "report", "inputs": {"period": "P7D"}},
               {"id": "mail", "type": "notify",
                "inputs": {"channel": "email", "to": {"expr": "run.owner"},
                           "title": "Your week", "body": {"expr": "steps.week.output.text"}}}
             ]}""");
    JsonNode done = run(edge, owner, weekly);
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
    JsonNode week = done.get("steps").get(0).get("output");
    assertThat(week.get("documentCount").asInt()).isEqualTo(1);
    assertThat(week.get("documents").get(0).get("title").asText()).isEqualTo("handbook.md");
    assertThat(week.get("questions").get(0).get("question").asText())
        .isEqualTo("how often is the espresso machine descaled?");
    assertThat(week.get("questions").get(0).get("count").asInt()).isEqualTo(2);
    assertThat(week.get("failedRuns")).hasSize(1);
    assertThat(week.get("text").asText()).contains("1 document added: handbook.md");
    assertThat(done.get("steps").get(1).get("output").get("to").asText()).isEqualTo(owner.userId());
  }
}
