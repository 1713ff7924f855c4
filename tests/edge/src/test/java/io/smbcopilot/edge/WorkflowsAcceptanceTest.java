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
    Edge.Response started =
        edge.call("POST", "/api/v1/workflows/" + workflow + "/runs", user.token(), "{}");
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
}
