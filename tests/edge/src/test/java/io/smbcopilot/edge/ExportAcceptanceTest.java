package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.testing.mail.Mailbox;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * A tenant's export (issue 18) on the whole platform: an owner of a business that used every
 * feature asks; the archive is built in the background from every service's part; the owner is told
 * in the app and by mail; the archive holds the originals as uploaded and JSON Lines of every
 * service's data (documents and chunks, the conversation, the run and its steps, notifications, the
 * webhook and its delivery, the audit log, the people), each file as its manifest says, no secret
 * and nothing of another business. A member may not ask, nor download. A person's own export holds
 * only their rows of every service, is told to them, and is seen and downloaded by them alone.
 */
class ExportAcceptanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anOwnerGetsEverythingOfTheBusinessInOneArchive() throws Exception {
    Edge edge = Edge.get();
    int imap = Integer.parseInt(edge.state.get("smtp.imap-port"));
    String mark = UUID.randomUUID().toString().substring(0, 8);
    Edge.User owner = edge.signup("Exported Bakery " + mark);
    Edge.User member = edge.invite(owner, "member");
    Edge.User other = edge.signup("Other Bakery " + mark);
    String word = "numbat" + mark;
    byte[] original =
        ("# Recipes\n\nThe " + word + " bun bakes for 23 minutes.\n")
            .getBytes(StandardCharsets.UTF_8);

    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String hook = "/exported-" + mark;
      edge.indexedWebhook(owner, receiver.url(hook));
      String document =
          CopilotAcceptanceTest.uploadIndexed(
              edge, owner, "recipes-" + mark + ".md", new String(original, StandardCharsets.UTF_8));
      CopilotAcceptanceTest.uploadIndexed(
          edge, other, "other-" + mark + ".md", "# Other\n\nThe wallaby roll, for someone else.\n");
      String question = "How long does the " + word + " bun bake?";
      String conversation =
          CopilotAcceptanceTest.ask(edge, member.token(), question).get("conversationId").asText();
      String run =
          WorkflowsAcceptanceTest.run(
                  edge,
                  owner,
                  WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION))
              .get("id")
              .asText();
      edge.apiKey(owner, "\"search\"");
      await()
          .alias("the webhook delivered")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !receiver.received().isEmpty());

      // a member may not ask
      assertThat(edge.call("POST", "/api/v1/tenant/export", member.token(), null).status())
          .isEqualTo(403);

      long asked = System.nanoTime();
      Edge.Response accepted = edge.call("POST", "/api/v1/tenant/export", owner.token(), null);
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      String id = accepted.json().get("id").asText();
      assertThat(
              accepted.headers().entrySet().stream()
                  .filter(h -> h.getKey().equalsIgnoreCase("location"))
                  .flatMap(h -> h.getValue().stream()))
          .singleElement()
          .asString()
          .endsWith("/api/v1/tenant/exports/" + id);
      assertThat(accepted.json().get("status").asText()).isEqualTo("building");

      JsonNode ready =
          await()
              .alias("the export built")
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () ->
                      edge.call("GET", "/api/v1/tenant/exports/" + id, owner.token(), null).json(),
                  e -> !e.get("status").asText().equals("building"));
      double seconds = (System.nanoTime() - asked) / 1e9;
      assertThat(ready.get("status").asText()).as(ready.toString()).isEqualTo("ready");
      assertThat(ready.get("archive").asText())
          .isEqualTo("/api/v1/tenant/exports/" + id + "/archive");
      assertThat(ready.get("contents").get("ingestion-service").get("files").asInt())
          .as("documents, chunks, collections and the original")
          .isGreaterThanOrEqualTo(4);

      // told in the app and by mail
      await()
          .alias("the owner is told")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  edge.call("GET", "/api/v1/notifications", owner.token(), null)
                      .body()
                      .contains("Your export is ready"));
      await()
          .alias("the mail")
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> new Mailbox(imap, owner.email()).read(),
              mails -> mails.stream().anyMatch(m -> m.subject().contains("Your export is ready")));

      // the archive, only for who manages the business
      assertThat(download(edge, member.token(), id).statusCode()).isEqualTo(403);
      HttpResponse<byte[]> archive = download(edge, owner.token(), id);
      assertThat(archive.statusCode()).isEqualTo(200);
      assertThat(archive.headers().firstValue("content-type")).contains("application/zip");
      assertThat(
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive.body())))
          .isEqualTo(ready.get("sha256").asText());
      Map<String, byte[]> files = unzip(archive.body());

      // every file as the manifest says
      JsonNode manifest = JSON.readTree(files.get("manifest.json"));
      assertThat(manifest.get("format").asText()).isEqualTo("smb-copilot-export/1");
      assertThat(manifest.get("tenantId").asText()).isEqualTo(owner.tenantId());
      manifest
          .get("files")
          .properties()
          .forEach(
              f -> {
                byte[] content = files.get(f.getKey());
                assertThat(content).as(f.getKey()).isNotNull();
                assertThat(content.length)
                    .as(f.getKey())
                    .isEqualTo(f.getValue().get("bytes").asLong());
              });

      // the originals as uploaded, and every service's data
      assertThat(files.get("ingestion-service/originals/" + document + "/recipes-" + mark + ".md"))
          .isEqualTo(original);
      assertThat(text(files, "ingestion-service/document.jsonl")).contains(document);
      assertThat(text(files, "ingestion-service/chunk.jsonl")).contains(word);
      assertThat(text(files, "workflow-worker/conversation.jsonl")).contains(conversation);
      assertThat(text(files, "workflow-worker/message.jsonl")).contains(question);
      assertThat(text(files, "workflow-worker/workflow_run.jsonl")).contains(run);
      assertThat(text(files, "workflow-worker/step_run.jsonl")).contains(run);
      assertThat(text(files, "notifications-service/notification.jsonl")).isNotEmpty();
      assertThat(text(files, "notifications-service/webhook_endpoint.jsonl")).contains(hook);
      assertThat(text(files, "notifications-service/webhook_attempt.jsonl")).isNotEmpty();
      assertThat(text(files, "auth-service/membership.jsonl"))
          .contains(owner.email())
          .contains(member.email());
      assertThat(text(files, "auth-service/audit_event.jsonl")).isNotEmpty();
      assertThat(text(files, "auth-service/tenant.json")).contains("Exported Bakery " + mark);

      // no secret, nothing of the other business, no earlier export
      String all = new String(concat(files), StandardCharsets.UTF_8);
      assertThat(all)
          .doesNotContain("secret_encrypted")
          .doesNotContain("secret_hash")
          .doesNotContain("token_hash")
          .doesNotContain(other.tenantId())
          .doesNotContain("wallaby");
      assertThat(files.keySet()).noneMatch(n -> n.contains("tenant_export"));

      // another ask once the first is ready is taken; both are listed, newest first (one being
      // built refuses another: TenantExportExpiryTest)
      Edge.Response again = edge.call("POST", "/api/v1/tenant/export", owner.token(), null);
      assertThat(again.status()).as(again.body()).isEqualTo(202);
      JsonNode items =
          edge.call("GET", "/api/v1/tenant/exports", owner.token(), null).json().get("items");
      assertThat(items).hasSize(2);
      assertThat(items.get(0).get("id").asText()).isEqualTo(again.json().get("id").asText());
      assertThat(items.get(1).get("id").asText()).isEqualTo(id);

      System.out.printf(
          "export: %d files, %d bytes, ready %.1f s after it was asked; contents %s%n",
          files.size(), archive.body().length, seconds, ready.get("contents"));
    }
  }

  @Test
  void aPersonTakesTheirOwnDataAndNothingOfTheOthers() throws Exception {
    Edge edge = Edge.get();
    String mark = UUID.randomUUID().toString().substring(0, 8);
    Edge.User owner = edge.signup("Personal Bakery " + mark);
    Edge.User member = edge.invite(owner, "member");
    String theirs = "Is the quokka" + mark + " loaf sold on Sundays?";
    String notTheirs = "Who bakes the platypus" + mark + " pie?";
    String conversation =
        CopilotAcceptanceTest.ask(edge, member.token(), theirs).get("conversationId").asText();
    String ownersConversation =
        CopilotAcceptanceTest.ask(edge, owner.token(), notTheirs).get("conversationId").asText();
    String workflow =
        WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION);
    String run = WorkflowsAcceptanceTest.run(edge, member, workflow).get("id").asText();
    String ownersRun = WorkflowsAcceptanceTest.run(edge, owner, workflow).get("id").asText();
    String key = edge.apiKey(owner, "\"search\"");
    await()
        .alias("the member's run told them")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                edge.call("GET", "/api/v1/notifications", member.token(), null)
                        .json()
                        .get("items")
                        .size()
                    > 0);

    // an API key has no data of its own
    assertThat(edge.call("POST", "/api/v1/me/export", key, null).status()).isEqualTo(403);

    Edge.Response accepted = edge.call("POST", "/api/v1/me/export", member.token(), null);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.json().get("id").asText();
    assertThat(accepted.json().get("requestedBy").asText()).isEqualTo(member.userId());
    JsonNode ready =
        await()
            .alias("the personal export built")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> edge.call("GET", "/api/v1/me/exports/" + id, member.token(), null).json(),
                e -> !e.get("status").asText().equals("building"));
    assertThat(ready.get("status").asText()).as(ready.toString()).isEqualTo("ready");
    assertThat(ready.get("archive").asText()).isEqualTo("/api/v1/me/exports/" + id + "/archive");
    await()
        .alias("the member is told")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                edge.call("GET", "/api/v1/notifications", member.token(), null)
                    .body()
                    .contains("Your data is ready"));

    // only theirs: the owner neither sees it among the business's exports nor reaches it
    assertThat(edge.call("GET", "/api/v1/tenant/exports", owner.token(), null).body())
        .doesNotContain(id);
    assertThat(edge.call("GET", "/api/v1/me/exports/" + id, owner.token(), null).status())
        .isEqualTo(404);
    assertThat(download(edge, owner.token(), "/api/v1/me/exports/", id).statusCode())
        .isEqualTo(404);
    assertThat(download(edge, owner.token(), "/api/v1/tenant/exports/", id).statusCode())
        .isEqualTo(404);
    assertThat(edge.call("GET", "/api/v1/me/exports", member.token(), null).json().get("items"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("id").asText()).isEqualTo(id));

    HttpResponse<byte[]> archive = download(edge, member.token(), "/api/v1/me/exports/", id);
    assertThat(archive.statusCode()).isEqualTo(200);
    assertThat(
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive.body())))
        .isEqualTo(ready.get("sha256").asText());
    Map<String, byte[]> files = unzip(archive.body());
    JsonNode manifest = JSON.readTree(files.get("manifest.json"));
    assertThat(manifest.get("subject").asText()).isEqualTo(member.userId());
    assertThat(text(files, "README.txt")).contains("your own data");

    // their rows of every service
    assertThat(text(files, "auth-service/membership.jsonl"))
        .contains(member.email())
        .doesNotContain(owner.email());
    assertThat(text(files, "auth-service/audit_event.jsonl")).contains(member.userId());
    assertThat(text(files, "workflow-worker/conversation.jsonl"))
        .contains(conversation)
        .doesNotContain(ownersConversation);
    assertThat(text(files, "workflow-worker/message.jsonl"))
        .contains(theirs)
        .doesNotContain(notTheirs);
    assertThat(text(files, "workflow-worker/workflow_run.jsonl"))
        .contains(run)
        .doesNotContain(ownersRun);
    assertThat(text(files, "workflow-worker/step_run.jsonl"))
        .contains(run)
        .doesNotContain(ownersRun);
    assertThat(text(files, "notifications-service/notification.jsonl")).contains(member.userId());

    // nothing of anyone else, and none of the business's own records
    String all = new String(concat(files), StandardCharsets.UTF_8);
    assertThat(all)
        .doesNotContain(owner.userId())
        .doesNotContain(owner.email())
        .doesNotContain(notTheirs)
        .doesNotContain("secret_hash");
    assertThat(files.keySet())
        .noneMatch(n -> n.contains("originals/"))
        .noneMatch(n -> n.contains("chunk.jsonl"))
        .noneMatch(n -> n.contains("tenant.json"));
    System.out.printf(
        "personal export: %d files, %d bytes; contents %s%n",
        files.size(), archive.body().length, ready.get("contents"));
  }

  static HttpResponse<byte[]> download(Edge edge, String token, String id) throws Exception {
    return download(edge, token, "/api/v1/tenant/exports/", id);
  }

  private static HttpResponse<byte[]> download(Edge edge, String token, String base, String id)
      throws Exception {
    return Edge.HTTP.send(
        HttpRequest.newBuilder(URI.create(edge.gateway + base + id + "/archive"))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), in.readAllBytes());
      }
    }
    return files;
  }

  private static String text(Map<String, byte[]> files, String name) {
    assertThat(files).as("the archive's files").containsKey(name);
    return new String(files.get(name), StandardCharsets.UTF_8);
  }

  static byte[] concat(Map<String, byte[]> files) {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    files.values().forEach(all::writeBytes);
    return all.toByteArray();
  }
}
