package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.TenantTraces;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/**
 * A tenant's erasure on the whole platform: a business that used everything (documents, answers, a
 * workflow run with a notification, a webhook with a delivery, an API key, a second person) asks to
 * be erased; after the grace period every schema of the platform's database, Keycloak's database
 * and the embedded index are searched for its id, name, people and unique words, and nothing is
 * found, while another business's data is untouched.
 */
class ErasureAcceptanceTest {

  @Test
  void anErasedTenantLeavesNoTraceInAnySchemaTheIndexOrKeycloak() throws Exception {
    Edge edge = Edge.get();
    String mark = UUID.randomUUID().toString().substring(0, 8);
    String name = "Erasable Bakery " + mark;
    Edge.User owner = edge.signup(name);
    Edge.User member = edge.invite(owner, "member");
    Edge.User kept = edge.signup("Kept Bakery " + mark);
    String word = "quokka" + mark; // in the erased tenant's document only
    String keptWord = "wombat" + mark;

    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String hookPath = "/erasable-" + mark;
      edge.indexedWebhook(owner, receiver.url(hookPath));
      String document =
          CopilotAcceptanceTest.uploadIndexed(
              edge,
              owner,
              "recipes-" + mark + ".md",
              "# Recipes\n\nThe " + word + " tart bakes for 41 minutes at 180 degrees.\n");
      CopilotAcceptanceTest.uploadIndexed(
          edge,
          kept,
          "kept-" + mark + ".md",
          "# Recipes\n\nThe " + keptWord + " pie bakes for 29 minutes.\n");
      JsonNode answer =
          CopilotAcceptanceTest.ask(
              edge, member.token(), "How long does the " + word + " tart bake?");
      assertThat(answer.get("answer").asText()).contains("41 minutes");
      JsonNode run =
          WorkflowsAcceptanceTest.run(
              edge,
              owner,
              WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION));
      assertThat(run.get("status").asText()).isEqualTo("succeeded");
      String key = edge.apiKey(owner, "\"search\"");
      assertThat(key).isNotBlank();
      await()
          .alias("the webhook delivered")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !receiver.received().isEmpty());
      await()
          .alias("the run's notification arrived")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  edge.call("GET", "/api/v1/notifications", owner.token(), null)
                      .body()
                      .contains("Descaling"));

      List<String> needles =
          List.of(
              owner.tenantId(),
              name,
              owner.email(),
              member.email(),
              owner.userId(),
              member.userId(),
              document,
              word,
              hookPath);
      // before: the needles are there, in every service's schema (the test can find them)
      List<String> before = traces(edge, needles);
      for (String schema :
          List.of(
              "api_gateway",
              "auth_service",
              "ingestion_service",
              "workflow_worker",
              "notifications_service")) {
        assertThat(before).as("traces in " + schema).anyMatch(t -> t.startsWith(schema + "."));
      }
      assertThat(keycloakTraces(edge, needles)).isNotEmpty();
      assertThat(indexTraces(edge, needles)).isNotEmpty();

      Edge.Response asked =
          edge.call(
              "DELETE",
              "/api/v1/tenant",
              owner.token(),
              Edge.JSON.createObjectNode().put("confirm", name).toString());
      assertThat(asked.status()).as(asked.body()).isEqualTo(202);
      long askedAt = System.nanoTime();

      // the devstack's grace period is 30 s, checked every 5 s; the gateway's full rate buckets go
      // every minute
      await()
          .alias("nothing of the tenant is left")
          .atMost(Duration.ofSeconds(240))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                List<String> left = new ArrayList<>(traces(edge, needles));
                left.addAll(keycloakTraces(edge, needles));
                left.addAll(indexTraces(edge, needles));
                assertThat(left).as("what is left of the tenant").isEmpty();
              });
      double seconds = (System.nanoTime() - askedAt) / 1e9;

      int tables;
      int keycloakTables;
      try (Connection c = edge.superuser("copilot")) {
        tables = TenantTraces.tablesJdbc(c, schemas(c));
      }
      try (Connection c = edge.superuser("keycloak")) {
        keycloakTables = TenantTraces.tablesJdbc(c, List.of("public"));
      }
      assertThat(tables).isGreaterThan(40);
      assertThat(keycloakTables).isGreaterThan(50);
      assertThatThrownBy(() -> edge.password(member.email(), Edge.PASSWORD))
          .as("the member can no longer sign in")
          .hasMessageContaining("invalid_grant");

      // the other business keeps everything
      List<String> keptNeedles = List.of(kept.tenantId(), kept.email(), keptWord);
      assertThat(traces(edge, keptNeedles)).hasSizeGreaterThan(3);
      assertThat(indexTraces(edge, List.of(keptWord))).isNotEmpty();
      JsonNode hits =
          edge.call(
                  "POST",
                  "/api/v1/search",
                  kept.token(),
                  "{\"query\":\"" + keptWord + "\",\"mode\":\"keyword\",\"topK\":3}")
              .json();
      assertThat(hits.get("hits").get(0).get("text").asText()).contains(keptWord);
      System.out.printf(
          "erasure: nothing of the tenant in %d tables of the platform's schemas, %d of"
              + " Keycloak's, nor in the index, %.0f s after it was asked (grace 30 s)%n",
          tables, keycloakTables, seconds);
    }
  }

  @Test
  void aPersonWhoLeavesIsGoneFromTheBusinessAndFromKeycloakAndTheLastOwnerStays() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Leaving Bakery");
    Edge.User member = edge.invite(owner, "member");
    Edge.Response left = edge.call("DELETE", "/api/v1/me/membership", member.token(), null);
    assertThat(left.status()).as(left.body()).isEqualTo(204);
    assertThat(edge.call("GET", "/api/v1/members/" + member.userId(), owner.token(), null).status())
        .isEqualTo(404);
    assertThatThrownBy(() -> edge.password(member.email(), Edge.PASSWORD))
        .as("their account is deleted: they can no longer sign in")
        .hasMessageContaining("invalid_grant");
    // the business's only owner stays, told why
    Edge.Response stays = edge.call("DELETE", "/api/v1/me/membership", owner.token(), null);
    assertThat(stays.status()).as(stays.body()).isEqualTo(409);
    assertThat(stays.json().get("detail").asText()).contains("the last owner cannot leave");
    JsonNode audit =
        edge.call("GET", "/api/v1/audit-events?action=member.left", owner.token(), null)
            .json()
            .get("items");
    assertThat(audit).hasSize(2);
    assertThat(audit.get(1).get("actorId").asText()).isEqualTo(member.userId());
    assertThat(audit.get(1).get("result").asText()).isEqualTo("success");
  }

  @Test
  void aFormerMemberPseudonymisedLeavesNoTraceAndTheBusinessKeepsItsRecords() throws Exception {
    Edge edge = Edge.get();
    Edge.User owner = edge.signup("Pseudonym Bakery");
    Edge.User member = edge.invite(owner, "member");
    // what a person leaves behind: a conversation, a run, its notification, a document
    String conversation =
        CopilotAcceptanceTest.ask(
                edge, member.token(), "When does the bakery open? Mail me at " + member.email())
            .get("conversationId")
            .asText();
    String workflow =
        WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION);
    String run = WorkflowsAcceptanceTest.run(edge, member, workflow).get("id").asText();
    CopilotAcceptanceTest.uploadIndexed(
        edge, member, "opening-hours.md", "# Opening hours\n\nFrom seven until six.\n");
    Edge.Response exported = edge.call("POST", "/api/v1/me/export", member.token(), null);
    assertThat(exported.status()).as(exported.body()).isEqualTo(202);
    await()
        .alias("the member's export built")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                edge.call("GET", "/api/v1/me/exports", member.token(), null)
                    .body()
                    .contains("\"ready\""));
    // and the business's export, made while they were there: it holds them as they were
    String before = readyExport(edge, owner);
    String path = "/api/v1/members/" + member.userId() + "/pseudonymisation";
    // still a member: they are removed (or leave) first
    assertThat(edge.call("POST", path, owner.token(), null).status()).isEqualTo(409);
    assertThat(edge.call("DELETE", "/api/v1/me/membership", member.token(), null).status())
        .isEqualTo(204);

    List<String> needles = List.of(member.userId(), member.email());
    // left, they are still in the business's records: the search finds them
    assertThat(traces(edge, needles)).isNotEmpty();

    long asked = System.nanoTime();
    Edge.Response done = edge.call("POST", path, owner.token(), null);
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    String pseudonym = done.json().get("pseudonym").asText();
    await()
        .alias("nothing of the person in any schema")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> traces(edge, needles), List::isEmpty);
    double seconds = (System.nanoTime() - asked) / 1e9;

    // the business keeps its records, under the pseudonym
    List<String> kept = traces(edge, List.of(pseudonym));
    assertThat(String.join("\n", kept))
        .contains("audit_event")
        .contains("conversation")
        .contains("workflow_run")
        .contains("document");
    assertThat(
            edge.call("GET", "/api/v1/runs/" + run, owner.token(), null)
                .json()
                .get("startedBy")
                .asText())
        .isEqualTo(pseudonym);
    JsonNode audit =
        edge.call("GET", "/api/v1/audit-events?action=member.left", owner.token(), null)
            .json()
            .get("items");
    assertThat(audit.get(0).get("actorId").asText()).isEqualTo(pseudonym);
    assertThat(conversation).isNotBlank();

    // the export made before is withdrawn, its archive deleted; one made now holds only the
    // pseudonym
    JsonNode withdrawn =
        edge.call("GET", "/api/v1/tenant/exports/" + before, owner.token(), null).json();
    assertThat(withdrawn.get("status").asText()).isEqualTo("expired");
    assertThat(withdrawn.get("error").asText()).contains("pseudonymised");
    Edge.Response gone =
        edge.call("GET", "/api/v1/tenant/exports/" + before + "/archive", owner.token(), null);
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.json().get("detail").asText()).contains("withdrawn");
    try (Connection c = edge.database("workflow-worker");
        var s =
            c.prepareStatement(
                "SELECT count(*) FROM tenant_export_piece WHERE export_id = ?::uuid")) {
      s.setString(1, before);
      try (var r = s.executeQuery()) {
        r.next();
        assertThat(r.getLong(1)).as("pieces of the withdrawn archive").isZero();
      }
    }
    String after = readyExport(edge, owner);
    java.net.http.HttpResponse<byte[]> archive =
        ExportAcceptanceTest.download(edge, owner.token(), after);
    assertThat(archive.statusCode()).isEqualTo(200);
    String unpacked =
        new String(
            ExportAcceptanceTest.concat(ExportAcceptanceTest.unzip(archive.body())),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(unpacked).contains(pseudonym).doesNotContain(member.userId());
    assertThat(unpacked.toLowerCase(Locale.ROOT))
        .doesNotContain(member.email().toLowerCase(Locale.ROOT));
    System.out.printf(
        "pseudonymisation: nothing of the person in the platform's schemas %.1f s after it was"
            + " asked; the pseudonym in %d columns%n",
        seconds, kept.size());
    // done: nothing of them is found a second time
    assertThat(edge.call("POST", path, owner.token(), null).status()).isEqualTo(404);
  }

  /** The id of an export of the business the owner asked, once it is ready. */
  private static String readyExport(Edge edge, Edge.User owner) {
    Edge.Response asked = edge.call("POST", "/api/v1/tenant/export", owner.token(), null);
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    String id = asked.json().get("id").asText();
    JsonNode ready =
        await()
            .alias("the business's export built")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> edge.call("GET", "/api/v1/tenant/exports/" + id, owner.token(), null).json(),
                e -> !e.get("status").asText().equals("building"));
    assertThat(ready.get("status").asText()).as(ready.toString()).isEqualTo("ready");
    return id;
  }

  /** Each schema of the platform's database but PostgreSQL's own. */
  private static List<String> schemas(Connection c) throws Exception {
    List<String> schemas = new ArrayList<>();
    try (var s = c.createStatement();
        var r =
            s.executeQuery(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                    + " AND nspname <> 'information_schema'")) {
      while (r.next()) {
        schemas.add(r.getString(1));
      }
    }
    return schemas;
  }

  private static List<String> traces(Edge edge, List<String> needles) throws Exception {
    try (Connection c = edge.superuser("copilot")) {
      return TenantTraces.findJdbc(c, schemas(c), needles);
    }
  }

  private static List<String> keycloakTraces(Edge edge, List<String> needles) throws Exception {
    try (Connection c = edge.superuser("keycloak")) {
      return TenantTraces.findJdbc(c, List.of("public"), needles);
    }
  }

  /**
   * "field: needle" for each term or stored value of the embedded index's last commit that contains
   * a needle (in any case: text is lowercased when indexed).
   */
  private static List<String> indexTraces(Edge edge, List<String> needles) throws Exception {
    Path dir = Path.of(edge.state.get("home"), "index", "ingestion-service");
    List<String> lower = needles.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    List<String> found = new ArrayList<>();
    try (FSDirectory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        for (FieldInfo field : leaf.reader().getFieldInfos()) {
          Terms terms = leaf.reader().terms(field.name);
          if (terms == null) {
            continue;
          }
          TermsEnum each = terms.iterator();
          for (BytesRef term = each.next(); term != null; term = each.next()) {
            String text = term.utf8ToString().toLowerCase(Locale.ROOT);
            lower.stream()
                .filter(text::contains)
                .forEach(n -> found.add(field.name + " term: " + n));
          }
        }
        StoredFields stored = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          String text = stored.document(doc).toString().toLowerCase(Locale.ROOT);
          lower.stream().filter(text::contains).forEach(n -> found.add("stored: " + n));
        }
      }
    }
    return found;
  }
}
