package io.smbcopilot.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.identity.RetentionChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Deletes what is older than the tenants' retention settings (issue 18), every {@code
 * copilot.retention.every} (off unless a service sets it): a service names its kinds of data in a
 * {@link Kinds} bean, each with a statement that deletes one batch of at most {@link #BATCH} rows
 * past their tenant's limit at a given time ({@code ?1}, a {@code timestamptz}); the sweep runs
 * each batch in a transaction of its own until fewer come, so no sweep holds locks for long. The
 * settings are auth-service's; each service keeps the ones it needs from the {@code
 * retention-changed} events. Deleted rows are counted in {@code
 * copilot_retention_deleted_total{kind}}.
 */
@ApplicationScoped
public class Retention {
  /** The most rows one statement deletes. */
  public static final int BATCH = 1000;

  private static final Logger LOG = Logger.getLogger(Retention.class);

  /**
   * Says, for the transaction, that the retention sweep (or an erasure, {@link TenantErasure}) is
   * deleting: a table that refuses deletes otherwise (auth-service's append-only audit log) lets
   * this one through.
   */
  static final String SWEEPING = "SELECT set_config('copilot.retention', 'on', true)";

  /**
   * One kind of data: its name (the metric's {@code kind}) and the native statement that deletes a
   * batch, e.g. {@code DELETE FROM t WHERE id IN (SELECT ... LIMIT 1000)}.
   */
  public record Kind(String name, String deleteBatch) {}

  /** A service's kinds of data under retention (a bean). */
  public interface Kinds {
    List<Kind> kinds();
  }

  private final RetentionClock clock;
  private final MeterRegistry registry;
  private final Instance<Kinds> services;

  public Retention(RetentionClock clock, MeterRegistry registry, Instance<Kinds> services) {
    this.clock = clock;
    this.registry = registry;
    this.services = services;
  }

  @Scheduled(
      every = "${copilot.retention.every:off}",
      delayed = "30s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return sweep()
        .onFailure()
        .invoke(e -> LOG.warnf("retention: the sweep failed, the next one tries again: %s", e))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Sweeps the service's kinds at the clock's time: the rows deleted by kind. */
  public Uni<Map<String, Long>> sweep() {
    return sweep(services.stream().flatMap(k -> k.kinds().stream()).toList());
  }

  /** Registers {@link #remember} on the tenant's {@code retention-changed}. */
  public EventHandlers handle(EventHandlers handlers) {
    return handlers.on(
        io.smbcopilot.events.EventType.RETENTION_CHANGED,
        RetentionChanged.class,
        (changed, event) -> remember(changed));
  }

  /**
   * Keeps a tenant's settings as the event tells them, in the caller's transaction (the inbox's),
   * in the service's {@code retention_policy} table (tenant_id and the five {@code *_days}).
   */
  public Uni<Void> remember(RetentionChanged changed) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        """
                        INSERT INTO retention_policy (tenant_id, conversations_days, runs_days,
                          notifications_days, deliveries_days, audit_log_days, updated_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, now())
                        ON CONFLICT (tenant_id) DO UPDATE SET
                          conversations_days = excluded.conversations_days,
                          runs_days = excluded.runs_days,
                          notifications_days = excluded.notifications_days,
                          deliveries_days = excluded.deliveries_days,
                          audit_log_days = excluded.audit_log_days,
                          updated_at = excluded.updated_at""")
                    .setParameter(1, UUID.fromString(changed.tenantId()))
                    .setParameter(2, changed.conversationsDays())
                    .setParameter(3, changed.runsDays())
                    .setParameter(4, changed.notificationsDays())
                    .setParameter(5, changed.deliveriesDays())
                    .setParameter(6, changed.auditLogDays())
                    .executeUpdate())
        .replaceWithVoid();
  }

  private Uni<Map<String, Long>> sweep(List<Kind> kinds) {
    OffsetDateTime now = clock.now().atOffset(ZoneOffset.UTC);
    Map<String, Long> deleted = new LinkedHashMap<>();
    Uni<Void> all = Uni.createFrom().voidItem();
    for (Kind kind : kinds) {
      all =
          all.chain(() -> sweep(kind, now, 0).invoke(n -> deleted.put(kind.name(), n)))
              .replaceWithVoid();
    }
    return all.map(
        v -> {
          long total = deleted.values().stream().mapToLong(Long::longValue).sum();
          if (total > 0) {
            LOG.infof("retention: deleted %s", deleted);
          }
          return deleted;
        });
  }

  private Uni<Long> sweep(Kind kind, OffsetDateTime now, long before) {
    return Panache.withTransaction(
            () ->
                Panache.getSession()
                    .chain(
                        s ->
                            s.createNativeQuery(SWEEPING)
                                .getSingleResult()
                                .chain(
                                    ignored ->
                                        s.createNativeQuery(kind.deleteBatch())
                                            .setParameter(1, now)
                                            .executeUpdate())))
        .invoke(n -> counter(kind.name()).increment(n))
        .chain(n -> n < BATCH ? Uni.createFrom().item(before + n) : sweep(kind, now, before + n));
  }

  private Counter counter(String kind) {
    return Counter.builder("copilot_retention_deleted")
        .description("Rows deleted because they were older than their tenant's retention")
        .tag("kind", kind)
        .register(registry);
  }
}
