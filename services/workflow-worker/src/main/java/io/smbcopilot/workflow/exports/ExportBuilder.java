package io.smbcopilot.workflow.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.notifications.PersonalExportReady;
import io.smbcopilot.events.notifications.TenantExportReady;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.outbox.TenantExport;
import io.smbcopilot.security.Permission;
import io.smbcopilot.workflow.repository.TenantExportRepository;
import io.smbcopilot.workflow.workflows.OwnerTokens;
import io.smbcopilot.workflow.workflows.StepError;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Builds a tenant's export archive (a job of {@link TenantExports#QUEUE}): as the owner who asked
 * (their token from the gateway, as they are now: someone who no longer manages the tenant gets
 * nothing), it fetches every service's part ({@code GET /internal/v1/tenant-export}) and adds its
 * own, then writes {@code manifest.json} (every file's size, SHA-256 and, for JSON Lines, rows) and
 * {@code README.txt}. The archive is stored in pieces of a MiB; once it is complete the export is
 * ready and its {@code tenant-export-ready} event, in the same transaction, tells the owner.
 *
 * <p>A person's own export is built the same way with their token (as they are now: someone who
 * left the business gets nothing) from every service's {@code GET /internal/v1/personal-export},
 * only the rows that are theirs; its {@code personal-export-ready} event tells them.
 */
@ApplicationScoped
public class ExportBuilder implements JobWorkers.Handler {
  private static final Logger LOG = Logger.getLogger(ExportBuilder.class);
  static final List<String> SERVICES =
      List.of("auth-service", "ingestion-service", "notifications-service");
  static final String FORMAT = "smb-copilot-export/1";
  private static final int PIECE = 1 << 20;
  private static final String SOURCE = "/workflow-worker/exports";

  private final OwnerTokens owners;
  private final TenantExport export;
  private final TenantExportRepository exports;
  private final Outbox outbox;
  private final TenantExports.Config config;
  private final RetentionClock clock;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ExportBuilder(
      OwnerTokens owners,
      TenantExport export,
      TenantExportRepository exports,
      Outbox outbox,
      TenantExports.Config config,
      RetentionClock clock,
      ObjectMapper json) {
    this.owners = owners;
    this.export = export;
    this.exports = exports;
    this.outbox = outbox;
    this.config = config;
    this.clock = clock;
    this.json = json;
  }

  @Override
  public Uni<Void> handle(Job job) {
    return Uni.createFrom()
        .item(
            () -> {
              try {
                JsonNode payload = json.readTree(job.payload());
                build(
                    job.tenantId(),
                    UUID.fromString(payload.path("exportId").asText()),
                    payload.path("requestedBy").asText(),
                    payload.path("personal").asBoolean(false));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return null;
            });
  }

  @Override
  public Uni<Void> dead(Job job, String reason) {
    return Uni.createFrom()
        .item(
            () -> {
              try {
                UUID id = UUID.fromString(json.readTree(job.payload()).path("exportId").asText());
                fail(id, "the export could not be built after its attempts; ask again later");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              LOG.warnf("exports: job %s gave up: %s", job.id(), reason);
              return null;
            });
  }

  void build(UUID tenantId, UUID exportId, String requestedBy, boolean personal)
      throws IOException {
    OwnerTokens.Owner owner;
    try {
      owner = owners.owner(tenantId, requestedBy);
    } catch (StepError e) {
      if (e.retryable()) {
        throw e;
      }
      fail(exportId, "who asked for it is no member of the business any more");
      return;
    }
    if (!personal && !owner.has(Permission.TENANT_MANAGE.value())) {
      fail(exportId, "who asked for it does not manage the business any more");
      return;
    }
    long started = System.nanoTime();
    Path archive = Files.createTempFile("tenant-export-", ".zip");
    try {
      ObjectNode manifest = json.createObjectNode();
      manifest.put("format", FORMAT);
      manifest.put("tenantId", tenantId.toString());
      manifest.put("exportId", exportId.toString());
      manifest.put("requestedBy", requestedBy);
      if (personal) {
        manifest.put("subject", requestedBy);
      }
      manifest.put("createdAt", now().toString());
      ObjectNode files = manifest.putObject("files");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive));
          ZipOutputStream zip = new ZipOutputStream(out)) {
        for (String service : SERVICES) {
          // a token of its own for each part: one lives a minute, a big part takes longer
          Path part = fetch(service, owners.owner(tenantId, requestedBy).token(), personal);
          try {
            copy(part, zip, files);
          } finally {
            Files.deleteIfExists(part);
          }
        }
        TenantExport.Part own = export.write(tenantId, personal ? requestedBy : null);
        try {
          copy(own.file(), zip, files);
        } finally {
          Files.deleteIfExists(own.file());
        }
        add(
            zip,
            "README.txt",
            (personal ? PERSONAL_README : README).getBytes(StandardCharsets.UTF_8));
        add(
            zip,
            "manifest.json",
            json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      }
      store(tenantId, exportId, requestedBy, personal, archive, files);
      LOG.infof(
          "exports: %s%s of tenant %s built, %d files, %d bytes in %.1f s",
          exportId,
          personal ? " (personal)" : "",
          tenantId,
          files.size() + 1,
          Files.size(archive),
          (System.nanoTime() - started) / 1e9);
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /** A service's part (of the tenant's, or the person's own export), into a temporary file. */
  private Path fetch(String service, String token, boolean personal) throws IOException {
    String base =
        ConfigProvider.getConfig()
            .getValue("copilot.services." + service + ".url", String.class)
            .replaceAll("/+$", "");
    Path part = Files.createTempFile("tenant-export-part-", ".zip");
    try {
      HttpResponse<Path> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base
                              + (personal
                                  ? "/internal/v1/personal-export"
                                  : "/internal/v1/tenant-export")))
                  .header("Authorization", "Bearer " + token)
                  .timeout(config.buildTimeout())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofFile(part));
      if (response.statusCode() != 200) {
        throw new IOException(service + " answered " + response.statusCode() + " for its part");
      }
      return part;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + service + "'s part", e);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
  }

  /** Every file of a part into the archive, each one's size, SHA-256 and rows into the manifest. */
  private void copy(Path part, ZipOutputStream zip, ObjectNode files) throws IOException {
    try (InputStream in = Files.newInputStream(part);
        ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
        if (e.isDirectory() || files.has(e.getName())) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        MessageDigest sha = sha256();
        long size = 0;
        long lines = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n = entries.read(buffer); n >= 0; n = entries.read(buffer)) {
          zip.write(buffer, 0, n);
          sha.update(buffer, 0, n);
          size += n;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
        }
        zip.closeEntry();
        ObjectNode file = files.putObject(e.getName());
        file.put("bytes", size);
        file.put("sha256", HexFormat.of().formatHex(sha.digest()));
        if (e.getName().endsWith(".jsonl")) {
          file.put("rows", lines);
        }
      }
    }
  }

  private static void add(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  /** The archive in pieces, then ready with its event, in one transaction. */
  private void store(
      UUID tenantId,
      UUID exportId,
      String requestedBy,
      boolean personal,
      Path archive,
      ObjectNode files)
      throws IOException {
    JobWorkers.awaitOnContext(() -> Panache.withTransaction(() -> exports.dropPieces(exportId)));
    MessageDigest sha = sha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(archive)) {
      int seq = 0;
      for (byte[] piece = in.readNBytes(PIECE); piece.length > 0; piece = in.readNBytes(PIECE)) {
        sha.update(piece);
        size += piece.length;
        int n = seq++;
        byte[] bytes = piece;
        JobWorkers.awaitOnContext(
            () -> Panache.withTransaction(() -> exports.addPiece(exportId, tenantId, n, bytes)));
      }
    }
    OffsetDateTime now = now();
    OffsetDateTime expires = now.plus(config.expireAfter());
    String digest = HexFormat.of().formatHex(sha.digest());
    long bytes = size;
    String contents = summary(files);
    JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    exports
                        .ready(exportId, bytes, digest, contents, now, expires)
                        .chain(
                            updated ->
                                updated == 0
                                    // no longer being built (withdrawn meanwhile): its pieces go
                                    ? exports.dropPieces(exportId).replaceWithVoid()
                                    : outbox.append(
                                        ready(
                                            tenantId,
                                            exportId,
                                            requestedBy,
                                            personal,
                                            bytes,
                                            expires)))));
  }

  /** The event that tells who asked that their export is ready. */
  private static CloudEvent ready(
      UUID tenantId,
      UUID exportId,
      String requestedBy,
      boolean personal,
      long bytes,
      OffsetDateTime expires) {
    String subject = "export/" + exportId;
    return personal
        ? CloudEvent.of(
            EventType.PERSONAL_EXPORT_READY,
            SOURCE,
            tenantId.toString(),
            subject,
            new PersonalExportReady(
                tenantId.toString(), exportId.toString(), requestedBy, bytes, expires.toString()))
        : CloudEvent.of(
            EventType.TENANT_EXPORT_READY,
            SOURCE,
            tenantId.toString(),
            subject,
            new TenantExportReady(
                tenantId.toString(), exportId.toString(), requestedBy, bytes, expires.toString()));
  }

  /** Files and rows by service, for the export's view. */
  private String summary(ObjectNode files) throws IOException {
    ObjectNode summary = json.createObjectNode();
    files
        .properties()
        .forEach(
            f -> {
              String service =
                  f.getKey().contains("/") ? f.getKey().substring(0, f.getKey().indexOf('/')) : "";
              if (service.isEmpty()) {
                return;
              }
              ObjectNode s =
                  summary.has(service)
                      ? (ObjectNode) summary.get(service)
                      : summary.putObject(service);
              s.put("files", s.path("files").asLong() + 1);
              s.put("rows", s.path("rows").asLong() + f.getValue().path("rows").asLong());
            });
    return json.writeValueAsString(summary);
  }

  private void fail(UUID exportId, String reason) {
    JobWorkers.awaitOnContext(
        () -> Panache.withTransaction(() -> exports.failed(exportId, reason, now())));
    LOG.infof("exports: %s failed: %s", exportId, reason);
  }

  private OffsetDateTime now() {
    return clock.now().atOffset(ZoneOffset.UTC);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String PERSONAL_README =
      """
      SMB Copilot: your own data in the business, as it was when this archive was made.

      manifest.json   every file's size and SHA-256 (and rows, for .jsonl files)
      <service>/<table>.jsonl   one JSON object a line, one line a row, as the service keeps it:
        auth-service            your membership, the API keys you made (no secrets), the
                                invitations you sent, the audit entries of what you did and of
                                what was done to your membership
        ingestion-service       the collections you made, the metadata of documents you uploaded
                                (the documents are the business's: its owners export them)
        workflow-worker         your conversations and their messages, your evaluations and usage,
                                the workflows you own, the versions you made, the runs you started
                                and their steps
        notifications-service   your notifications, preferences and mails, the webhooks you made
      """;

  private static final String README = readme();

  private static String readme() {
    return """
        SMB Copilot: everything of your business, as it was when this archive was made.

        manifest.json   every file's size and SHA-256 (and rows, for .jsonl files)
        <service>/<table>.jsonl   one JSON object a line, one line a row, as the service keeps it:
          auth-service            the business, its people, roles, API keys (no secrets), invitations,
                                  audit log, retention settings
          ingestion-service       collections, documents (metadata), chunks (the text searched)
          ingestion-service/originals/<document id>/<file name>   every document as it was uploaded
          workflow-worker         conversations and messages, workflows and their versions, runs and
                                  their steps, evaluations, copilot settings (no keys), usage
          notifications-service   notifications, preferences, webhooks (no secrets), their
                                  messages and delivery attempts, mails
        """;
  }
}
