package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.TenantRetention;
import io.smbcopilot.auth.repository.TenantRetentionRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.RetentionChanged;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A tenant's retention settings (issue 18): how many days conversations, run histories,
 * notifications, deliveries and the audit log are kept (null: for ever, the default). A change is
 * audited and told to the services (retention-changed), each of which deletes its own; here, the
 * retention sweep deletes the audit log's entries ({@code AuditLogRetention}).
 */
@ApplicationScoped
public class RetentionService {
  @Schema(description = "Days each kind of data is kept; null (or left out) keeps it for ever")
  public record RetentionSettings(
      @Schema(description = "conversations with no message for so many days")
          Integer conversationsDays,
      @Schema(description = "finished workflow runs, with their steps") Integer runsDays,
      @Schema(description = "in-app notifications") Integer notificationsDays,
      @Schema(
              description =
                  "webhook deliveries (with their attempts) and mails once sent or failed")
          Integer deliveriesDays,
      @Schema(description = "audit log entries") Integer auditLogDays,
      @Schema(description = "when they last changed; null while never set")
          OffsetDateTime updatedAt,
      @Schema(description = "who changed them last") String updatedBy) {
    static final RetentionSettings DEFAULT =
        new RetentionSettings(null, null, null, null, null, null, null);

    static RetentionSettings of(TenantRetention r) {
      return r == null
          ? DEFAULT
          : new RetentionSettings(
              r.conversationsDays,
              r.runsDays,
              r.notificationsDays,
              r.deliveriesDays,
              r.auditLogDays,
              r.updatedAt,
              r.updatedBy);
    }
  }

  private final TenantRetentionRepository settings;
  private final IdentityRecorder recorder;

  public RetentionService(TenantRetentionRepository settings, IdentityRecorder recorder) {
    this.settings = settings;
    this.recorder = recorder;
  }

  @WithSession
  @WithSpan("RetentionService.get")
  public Uni<RetentionSettings> get(@SpanAttribute("tenant.id") UUID tenantId) {
    return settings.findById(tenantId).map(RetentionSettings::of);
  }

  /** Replaces the tenant's settings (days between 1 and 3650, checked by the caller). */
  @WithTransaction
  @WithSpan("RetentionService.update")
  public Uni<RetentionSettings> update(
      @SpanAttribute("tenant.id") UUID tenantId, Actor actor, RetentionSettings wanted) {
    return settings
        .findById(tenantId)
        .chain(
            found -> {
              TenantRetention r = found != null ? found : new TenantRetention();
              r.tenantId = tenantId;
              r.conversationsDays = wanted.conversationsDays();
              r.runsDays = wanted.runsDays();
              r.notificationsDays = wanted.notificationsDays();
              r.deliveriesDays = wanted.deliveriesDays();
              r.auditLogDays = wanted.auditLogDays();
              r.updatedAt = Now.utc();
              r.updatedBy = actor.id();
              return found != null ? Uni.createFrom().item(r) : settings.persist(r);
            })
        .call(
            r -> {
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("conversationsDays", r.conversationsDays);
              details.put("runsDays", r.runsDays);
              details.put("notificationsDays", r.notificationsDays);
              details.put("deliveriesDays", r.deliveriesDays);
              details.put("auditLogDays", r.auditLogDays);
              return recorder
                  .audit(
                      tenantId,
                      actor,
                      "tenant.retention-changed",
                      "tenant",
                      tenantId.toString(),
                      "success",
                      details)
                  .chain(
                      () ->
                          recorder.emit(
                              EventType.RETENTION_CHANGED,
                              tenantId,
                              "tenant/" + tenantId + "/retention",
                              new RetentionChanged(
                                  tenantId.toString(),
                                  r.conversationsDays,
                                  r.runsDays,
                                  r.notificationsDays,
                                  r.deliveriesDays,
                                  r.auditLogDays,
                                  actor.id())));
            })
        .map(RetentionSettings::of);
  }
}
