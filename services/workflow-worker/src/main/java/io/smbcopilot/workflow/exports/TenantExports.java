package io.smbcopilot.workflow.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.jobs.Jobs;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.outbox.SqlErrors;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.repository.TenantExportRepository;
import io.smbcopilot.workflow.repository.TenantExportRepository.Export;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A tenant's exports (issue 18): an owner asks for the business's, any person for their own; a job
 * on the {@value #QUEUE} queue builds the archive ({@link ExportBuilder}); it can be downloaded
 * until it expires ({@code copilot.exports.expire-after}), then its archive is deleted. One export
 * of the business, and one of each person, is built at a time. The {@code subject} of the methods
 * below is null for the business's exports, the person's id for their own.
 */
@ApplicationScoped
public class TenantExports {
  private static final Logger LOG = Logger.getLogger(TenantExports.class);
  public static final String QUEUE = "tenant-export";

  @ConfigMapping(prefix = "copilot.exports")
  public interface Config {
    /** How long an archive can be downloaded once it is built. */
    @WithDefault("P7D")
    Duration expireAfter();

    /** Longest an export may take to build before the attempt is given up and tried again. */
    @WithDefault("PT30M")
    Duration buildTimeout();

    /** How often archives past their time are deleted ({@code @Scheduled} reads it). */
    @WithDefault("1h")
    Duration sweepEvery();
  }

  private final TenantExportRepository exports;
  private final Jobs jobs;
  private final Config config;
  private final RetentionClock clock;
  private final Pool pool;
  private final ExportBuilder builder;
  private final MeterRegistry registry;
  private final ObjectMapper json;
  private volatile JobWorkers workers;

  public TenantExports(
      TenantExportRepository exports,
      Jobs jobs,
      Config config,
      RetentionClock clock,
      Pool pool,
      ExportBuilder builder,
      MeterRegistry registry,
      ObjectMapper json) {
    this.exports = exports;
    this.jobs = jobs;
    this.config = config;
    this.clock = clock;
    this.pool = pool;
    this.builder = builder;
    this.registry = registry;
    this.json = json;
  }

  void start(@Observes StartupEvent event) {
    workers =
        new JobWorkers(
            new JobQueue(pool),
            new JobWorkers.Settings(
                QUEUE,
                1,
                Duration.ofMinutes(1),
                Duration.ofSeconds(2),
                3,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                config.buildTimeout(),
                0),
            builder,
            "exports-" + UUID.randomUUID(),
            registry);
    workers.start();
  }

  void stop(@Observes ShutdownEvent event) {
    if (workers != null) {
      workers.close();
    }
  }

  OffsetDateTime now() {
    return clock.now().atOffset(ZoneOffset.UTC);
  }

  /**
   * Asks for an export of the business ({@code personal} false) or of the person who asks; 409
   * while another of the same is being built.
   */
  public Uni<Export> request(UUID tenantId, String userId, boolean personal) {
    UUID id = UUID.randomUUID();
    String subject = personal ? userId : null;
    String payload =
        json.createObjectNode()
            .put("exportId", id.toString())
            .put("requestedBy", userId)
            .put("personal", personal)
            .toString();
    return Panache.withTransaction(
            () ->
                exports
                    .start(id, tenantId, userId, subject, now())
                    .chain(() -> jobs.enqueue(QUEUE, tenantId, payload, Duration.ZERO)))
        .onFailure(SqlErrors::uniqueViolation)
        .transform(
            e ->
                new ProblemException(
                    ProblemType.CONFLICT,
                    (personal ? "an export of your data" : "an export of the business")
                        + " is being built: wait until it is ready"))
        .invoke(() -> workers.wake())
        .chain(() -> Panache.withSession(() -> exports.find(tenantId, subject, id)))
        .map(found -> found.orElseThrow());
  }

  public Uni<List<Export>> list(UUID tenantId, String subject) {
    return Panache.withSession(() -> exports.list(tenantId, subject, 50));
  }

  public Uni<Export> get(UUID tenantId, String subject, UUID id) {
    return Panache.withSession(() -> exports.find(tenantId, subject, id))
        .map(
            found ->
                found.orElseThrow(
                    () -> new ProblemException(ProblemType.NOT_FOUND, "no such export")));
  }

  /** The export, if its archive can be downloaded now: 409 while building or failed, 410 past. */
  public Uni<Export> downloadable(UUID tenantId, String subject, UUID id) {
    return get(tenantId, subject, id)
        .map(
            e ->
                switch (e.status()) {
                  case "ready" -> {
                    if (!e.expiresAt().isAfter(now())) {
                      throw new ProblemException(
                          ProblemType.GONE, "the export expired: ask for a new one");
                    }
                    yield e;
                  }
                  case "expired" ->
                      throw new ProblemException(
                          ProblemType.GONE,
                          e.error() == null
                              ? "the export expired: ask for a new one"
                              : "the export was withdrawn (" + e.error() + "): ask for a new one");
                  case "failed" ->
                      throw new ProblemException(
                          ProblemType.CONFLICT, "the export could not be built: " + e.error());
                  default ->
                      throw new ProblemException(
                          ProblemType.CONFLICT,
                          "the export is being built: wait until it is ready");
                });
  }

  /** The archive's piece, read in a session of its own (from a blocking stream). */
  public byte[] piece(UUID id, int seq) {
    return JobWorkers.awaitOnContext(() -> Panache.withSession(() -> exports.piece(id, seq)))
        .orElse(null);
  }

  /** Why the business's earlier exports were withdrawn, as they show it. */
  public static final String WITHDRAWN =
      "made before a former member was pseudonymised, it held their data";

  /**
   * A former member was pseudonymised (in the caller's transaction): the business's exports asked
   * before are withdrawn, their archives deleted, so that no copy of the person stays here. A
   * person's own exports went with their rows ({@code copilot.pseudonymise.drop}).
   */
  public Uni<Void> withdrawBefore(UUID tenantId) {
    return exports
        .withdraw(tenantId, now(), WITHDRAWN)
        .invoke(
            n -> {
              if (n > 0) {
                LOG.infof("exports: %d of a tenant withdrawn, a member pseudonymised", n);
              }
            })
        .replaceWithVoid();
  }

  /** Deletes the archives past their time. */
  @Scheduled(
      every = "${copilot.exports.sweep-every:1h}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  public Uni<Void> sweep() {
    return Panache.withTransaction(() -> exports.expire(now()))
        .invoke(
            n -> {
              if (n > 0) {
                LOG.infof("exports: %d archives expired and deleted", n);
              }
            })
        .replaceWithVoid();
  }
}
