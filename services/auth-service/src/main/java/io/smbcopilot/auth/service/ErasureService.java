package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.client.KeycloakAdminClient;
import io.smbcopilot.auth.domain.Tenant;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.auth.repository.TenantErasureRepository;
import io.smbcopilot.auth.repository.TenantRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.TenantErased;
import io.smbcopilot.outbox.RetentionClock;
import io.smbcopilot.outbox.TenantErasure;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * A tenant's erasure (issue 18). Its owner asks, confirming with the tenant's name; the erasure is
 * due after a grace period ({@code copilot.tenant.erasure-grace}) in which an owner can cancel it.
 * When due, this service deletes the tenant's people from Keycloak (each belongs to this tenant
 * only), erases every row of the tenant in its schema ({@link TenantErasure}), the tenant itself,
 * and tells the other services (tenant-erased), which erase theirs. What stays is that an erasure
 * happened: the SHA-256 of the tenant's id, when it was asked and done ({@code tenant_erasure}).
 */
@ApplicationScoped
public class ErasureService {
  private static final Logger LOG = Logger.getLogger(ErasureService.class);

  @Schema(description = "A tenant's erasure: asked, and due unless cancelled before")
  public record Erasure(
      @Schema(description = "when it was asked") OffsetDateTime requestedAt,
      @Schema(description = "who asked") String requestedBy,
      @Schema(description = "when everything of the tenant is erased, for good")
          OffsetDateTime erasesAt) {
    static Erasure of(Tenant t) {
      return new Erasure(t.erasureRequestedAt, t.erasureRequestedBy, t.erasureDueAt);
    }
  }

  private final TenantRepository tenants;
  private final MembershipRepository memberships;
  private final IdentityRecorder recorder;
  private final TenantErasure erasure;
  private final TenantErasureRepository records;
  private final KeycloakAdminClient keycloak;
  private final RetentionClock clock;
  private final Duration grace;

  public ErasureService(
      TenantRepository tenants,
      MembershipRepository memberships,
      IdentityRecorder recorder,
      TenantErasure erasure,
      TenantErasureRepository records,
      KeycloakAdminClient keycloak,
      RetentionClock clock,
      @ConfigProperty(name = "copilot.tenant.erasure-grace") Duration grace) {
    this.tenants = tenants;
    this.memberships = memberships;
    this.recorder = recorder;
    this.erasure = erasure;
    this.records = records;
    this.keycloak = keycloak;
    this.clock = clock;
    this.grace = grace;
  }

  /** The clock's time as PostgreSQL keeps it (microseconds). */
  private OffsetDateTime now() {
    return clock.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  /** Asks for the tenant's erasure; {@code confirm} must be the tenant's name. */
  @WithSpan("ErasureService.request")
  public Uni<Erasure> request(
      @SpanAttribute("tenant.id") UUID tenantId, Actor actor, String confirm) {
    return recorder.guarded(
        tenantId,
        actor,
        "tenant.erasure-requested",
        "tenant",
        tenantId.toString(),
        () ->
            tenants
                .findById(tenantId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("tenant"))
                .chain(
                    t -> {
                      if (confirm == null || !confirm.equals(t.name)) {
                        return Uni.createFrom()
                            .failure(
                                ProblemException.invalid(
                                    "confirm", "type the business's name exactly to confirm"));
                      }
                      if (t.erasureDueAt != null) {
                        return Uni.createFrom()
                            .failure(
                                new ProblemException(
                                    ProblemType.CONFLICT,
                                    "the erasure was asked already; it is due at "
                                        + t.erasureDueAt));
                      }
                      t.erasureRequestedAt = now();
                      t.erasureRequestedBy = actor.id();
                      t.erasureDueAt = t.erasureRequestedAt.plus(grace);
                      return recorder
                          .audit(
                              tenantId,
                              actor,
                              "tenant.erasure-requested",
                              "tenant",
                              tenantId.toString(),
                              "success",
                              Map.of("erasesAt", t.erasureDueAt.toString()))
                          .replaceWith(Erasure.of(t));
                    }));
  }

  /** The tenant's erasure, if one was asked. */
  @WithSession
  @WithSpan("ErasureService.get")
  public Uni<Erasure> get(@SpanAttribute("tenant.id") UUID tenantId) {
    return tenants
        .findById(tenantId)
        .map(t -> t == null || t.erasureDueAt == null ? null : Erasure.of(t))
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("erasure"));
  }

  /** Cancels the tenant's erasure while it is not done. */
  @WithTransaction
  @WithSpan("ErasureService.cancel")
  public Uni<Void> cancel(@SpanAttribute("tenant.id") UUID tenantId, Actor actor) {
    return tenants
        .findById(tenantId)
        .chain(
            t -> {
              if (t == null || t.erasureDueAt == null) {
                return Uni.createFrom().failure(ProblemException.notFound("erasure"));
              }
              t.erasureRequestedAt = null;
              t.erasureRequestedBy = null;
              t.erasureDueAt = null;
              return recorder.audit(
                  tenantId,
                  actor,
                  "tenant.erasure-cancelled",
                  "tenant",
                  tenantId.toString(),
                  "success",
                  Map.of());
            });
  }

  @Scheduled(
      every = "${copilot.tenant.erasure-check}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return eraseDue()
        .onFailure()
        .invoke(e -> LOG.warnf("erasure: failed, tried again at the next check: %s", e))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Erases every tenant whose erasure is due at the clock's time; how many. */
  public Uni<Integer> eraseDue() {
    return Panache.withSession(
            () ->
                tenants.find("erasureDueAt <= ?1 order by erasureDueAt", now()).page(0, 10).list())
        .chain(
            due -> {
              Uni<Integer> done = Uni.createFrom().item(0);
              for (Tenant t : due) {
                done = done.chain(n -> erase(t.id).replaceWith(n + 1));
              }
              return done;
            });
  }

  /**
   * Erases one due tenant: its people in Keycloak first (a failure leaves everything for the next
   * check), then its rows and itself in one transaction, with the tenant-erased event and the
   * record that it happened.
   */
  private Uni<Void> erase(UUID tenantId) {
    return Panache.withSession(() -> memberships.list("tenantId", tenantId))
        .chain(
            people -> {
              if (!keycloak.configured()) {
                LOG.warnf(
                    "erasure: user provisioning is not configured; %d people are not looked for"
                        + " in Keycloak",
                    people.size());
                return Uni.createFrom().voidItem();
              }
              Uni<Void> all = Uni.createFrom().voidItem();
              for (var m : people) {
                all = all.chain(() -> keycloak.deleteUser(m.userId));
              }
              return all;
            })
        .chain(
            () ->
                Panache.withTransaction(
                    () ->
                        tenants
                            .findById(tenantId)
                            .chain(
                                t -> {
                                  if (t == null || t.erasureDueAt == null) {
                                    return Uni.createFrom().voidItem(); // cancelled meanwhile
                                  }
                                  OffsetDateTime requested = t.erasureRequestedAt;
                                  return erasure
                                      .erase(tenantId)
                                      .chain(() -> tenants.delete(t))
                                      .chain(() -> records.record(tenantId, requested, now()))
                                      .chain(
                                          () ->
                                              recorder.emit(
                                                  EventType.TENANT_ERASED,
                                                  tenantId,
                                                  "tenant/" + tenantId,
                                                  new TenantErased(tenantId.toString())))
                                      .invoke(
                                          () ->
                                              LOG.infof(
                                                  "erasure: tenant %s erased",
                                                  TenantErasure.digest(tenantId.toString())));
                                })));
  }
}
