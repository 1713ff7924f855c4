package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The backup drill (issue 18): two businesses with documents, conversations, a workflow and its
 * runs, and webhooks; a backup; a damaged copy of it refused with nothing changed; the stack's data
 * destroyed (both databases dropped, the index deleted); the backup restored. Afterwards everything
 * is back: the same search hits, the conversations and run histories as they were, people sign in,
 * and no webhook is delivered again. Then a backup made by the chart's CronJob script (no index) is
 * restored and the index rebuilt from the saved chunks alone: the same hits, and no document
 * announced again. Last of the platform's tests: it restarts every service.
 */
@Order(Integer.MAX_VALUE)
class BackupDrillTest {

  record Business(Edge.User owner, String word, String document, String conversation, String run) {}

  @Test
  void aRestoredBackupBringsEverythingBackAndRedeliversNothing() throws Exception {
    Edge edge = Edge.get();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      List<Business> businesses = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        businesses.add(business(edge, receiver, i));
      }
      Map<String, String> before = new LinkedHashMap<>();
      for (Business b : businesses) {
        before.putAll(snapshot(edge, b, b.owner().token()));
      }
      Awaitility.await()
          .alias("every webhook delivered, every run finished, every event published")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> receiver.received().size() >= 2 && quiet(edge, businesses));
      int delivered = receiver.received().size();

      Path dir = Files.createTempDirectory(Path.of("target"), "backup-");
      Path backup = dir.resolve("b1");
      long backedUp = System.nanoTime();
      Map<String, String> manifest = edge.stack.backup(backup);
      double backupSeconds = (System.nanoTime() - backedUp) / 1e9;
      assertThat(manifest.get("databases")).isEqualTo("copilot,keycloak");
      assertThat(manifest.keySet()).anyMatch(k -> k.startsWith("file.index/"));

      // a damaged backup is refused before anything changes
      Path damaged = dir.resolve("damaged");
      copy(backup, damaged);
      Path dump = damaged.resolve("postgres-copilot.dump");
      byte[] bytes = Files.readAllBytes(dump);
      bytes[bytes.length / 2] ^= 0x5A;
      Files.write(dump, bytes);
      assertThatThrownBy(() -> edge.stack.restore(damaged))
          .hasMessageContaining("postgres-copilot.dump does not match its checksum");
      assertThat(search(edge, businesses.get(0), businesses.get(0).owner().token()))
          .as("still served after the refusal")
          .isEqualTo(before.get("search " + businesses.get(0).word()));

      // the data is lost: both databases and the index
      for (String service : io.smbcopilot.devstack.Names.SERVICES) {
        edge.stack.stopApp(service);
      }
      edge.stack.stop("keycloak");
      try (Connection c = edge.superuser("postgres");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE copilot WITH (FORCE)");
        s.execute("DROP DATABASE keycloak WITH (FORCE)");
      }
      Path index = Path.of(edge.state.get("home"), "index");
      deleteTree(index);
      assertThat(index).doesNotExist();

      long restoring = System.nanoTime();
      Map<String, String> restored = edge.stack.restore(backup);
      double restoreSeconds = (System.nanoTime() - restoring) / 1e9;
      edge.stack.startReplica("api-gateway");

      for (Business b : businesses) {
        // signing in again: Keycloak's database came back too
        String token = edge.password(b.owner().email(), Edge.PASSWORD);
        Map<String, String> after = snapshot(edge, b, token);
        after.forEach((what, value) -> assertThat(value).as(what).isEqualTo(before.get(what)));
      }
      // The chart's backup CronJob's dump step, its own script on this PostgreSQL: a backup
      // without the index, restored; the index is rebuilt from the saved chunks alone (reindex
      // --all). Everything as before, the same hits (their scores are the new index's), and no
      // document announced again.
      Path chart = chartDump(edge, dir.resolve("chart"));
      long chartRestoring = System.nanoTime();
      Map<String, String> fromChart = edge.stack.restore(chart);
      double chartSeconds = (System.nanoTime() - chartRestoring) / 1e9;
      assertThat(Long.parseLong(fromChart.get("reindexed-documents"))).isGreaterThanOrEqualTo(2);
      edge.stack.startReplica("api-gateway");
      for (Business b : businesses) {
        String token = edge.password(b.owner().email(), Edge.PASSWORD);
        Map<String, String> after = snapshot(edge, b, token);
        after.forEach(
            (what, value) -> {
              if (what.startsWith("search ")) {
                assertThat(hits(value)).as(what).isEqualTo(hits(before.get(what))).isNotEmpty();
              } else if (what.startsWith("document ")) {
                // embedded again: its status went through embedding, so it was updated then
                assertThat(value.replaceAll("\"updatedAt\":\"[^\"]*\"", ""))
                    .as(what)
                    .isEqualTo(before.get(what).replaceAll("\"updatedAt\":\"[^\"]*\"", ""));
              } else {
                assertThat(value).as(what).isEqualTo(before.get(what));
              }
            });
      }

      // nothing is delivered again: the restored outbox and deliveries were all done
      Awaitility.await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .until(() -> receiver.received().size() == delivered);
      System.out.printf(
          "backup drill: %d businesses; backup %.1f s (%s files); restore %.1f s (the devstack"
              + " says %s s), search, conversations and runs as before; the chart's dump"
              + " (no index) restored in %.1f s with %s documents reindexed, the same hits; %d"
              + " webhook deliveries and none again%n",
          businesses.size(),
          backupSeconds,
          manifest.keySet().stream().filter(k -> k.endsWith(".sha256")).count(),
          restoreSeconds,
          restored.get("restore-seconds"),
          chartSeconds,
          fromChart.get("reindexed-documents"),
          delivered);
    }
  }

  private static Business business(Edge edge, WebhookReceiver receiver, int i) throws Exception {
    String mark = UUID.randomUUID().toString().substring(0, 8);
    Edge.User owner = edge.signup("Drill Bakery " + i + " " + mark);
    edge.indexedWebhook(owner, receiver.url("/drill-" + i));
    String word = "drill" + mark;
    String document =
        CopilotAcceptanceTest.uploadIndexed(
            edge,
            owner,
            "drill-" + mark + ".md",
            "# Drill\n\nThe " + word + " loaf bakes for 3" + i + " minutes.\n");
    String conversation =
        CopilotAcceptanceTest.ask(edge, owner.token(), "How long does the " + word + " loaf bake?")
            .get("conversationId")
            .asText();
    String run =
        WorkflowsAcceptanceTest.run(
                edge,
                owner,
                WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION))
            .get("id")
            .asText();
    return new Business(owner, word, document, conversation, run);
  }

  /** What a business sees, each part by name: search hits, its conversation, its run, its files. */
  private static Map<String, String> snapshot(Edge edge, Business b, String token) {
    Map<String, String> seen = new LinkedHashMap<>();
    seen.put("search " + b.word(), search(edge, b, token));
    seen.put(
        "conversation " + b.conversation(),
        body(edge, "/api/v1/copilot/conversations/" + b.conversation(), token));
    seen.put("run " + b.run(), body(edge, "/api/v1/runs/" + b.run(), token));
    seen.put("document " + b.document(), body(edge, "/api/v1/documents/" + b.document(), token));
    seen.put(
        "original " + b.document(),
        body(edge, "/api/v1/documents/" + b.document() + "/content", token));
    return seen;
  }

  private static String search(Edge edge, Business b, String token) {
    JsonNode hits =
        edge.call(
                "POST",
                "/api/v1/search",
                token,
                "{\"query\":\"" + b.word() + " loaf\",\"mode\":\"hybrid\",\"topK\":5}")
            .json()
            .get("hits");
    assertThat(hits.size()).isPositive();
    return hits.toString();
  }

  /**
   * Runs the dump step of the chart's backup CronJob (deploy/helm's files/backup/dump.sh) against
   * the stack's PostgreSQL, with its binaries; answers the backup folder it wrote.
   */
  private static Path chartDump(Edge edge, Path scratch) throws Exception {
    Path script =
        Path.of("..", "..", "deploy", "helm", "smb-copilot", "files", "backup", "dump.sh");
    Properties secrets = new Properties();
    try (Reader reader = Files.newBufferedReader(edge.stack.home().secretsFile())) {
      secrets.load(reader);
    }
    ProcessBuilder sh = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
    Map<String, String> env = sh.environment();
    env.put("PATH", edge.state.get("postgres.bin") + ":" + System.getenv("PATH"));
    env.put("BACKUP_DIR", scratch.toString());
    env.put("DATABASES", "copilot keycloak");
    env.put("PGHOST", "127.0.0.1");
    env.put("PGPORT", edge.state.get("postgres.port"));
    env.put("PGUSER", "postgres");
    env.put("PGPASSWORD", secrets.getProperty("postgres.superuser.password"));
    Process process = sh.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("dumped 2 databases");
    return scratch.resolve("out");
  }

  /** The hits of a search answer as document and chunk, in order (not their scores). */
  private static List<String> hits(String answer) {
    List<String> hits = new ArrayList<>();
    try {
      for (JsonNode hit : new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer)) {
        hits.add(hit.get("documentId").asText() + "#" + hit.get("chunk").asText());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return hits;
  }

  private static String body(Edge edge, String path, String token) {
    Edge.Response r = edge.call("GET", path, token, null);
    assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** No run of theirs going, no webhook message waiting, no event of theirs left in an outbox. */
  private static boolean quiet(Edge edge, List<Business> businesses) throws Exception {
    String tenants =
        String.join(",", businesses.stream().map(b -> "'" + b.owner().tenantId() + "'").toList());
    String mine = " WHERE tenant_id::text IN (" + tenants + ")";
    try (Connection c = edge.superuser("copilot");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM workflow_worker.workflow_run"
                    + mine
                    + " AND status = 'running')"
                    + " + (SELECT count(*) FROM notifications_service.webhook_message"
                    + mine
                    + " AND status = 'pending')"
                    + " + (SELECT count(*) FROM auth_service.outbox_event"
                    + mine
                    + ") + (SELECT count(*) FROM ingestion_service.outbox_event"
                    + mine
                    + ") + (SELECT count(*) FROM workflow_worker.outbox_event"
                    + mine
                    + ") + (SELECT count(*) FROM notifications_service.outbox_event"
                    + mine
                    + ")")) {
      r.next();
      return r.getLong(1) == 0;
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
