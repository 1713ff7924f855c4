package io.smbcopilot.auth.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.repository.AuditEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Reads the tenant's audit log, newest first, with filters and a cursor. */
@ApplicationScoped
public class AuditService {
  public record AuditEvent(
      long seq,
      UUID id,
      OffsetDateTime occurredAt,
      String actorId,
      String actorType,
      String action,
      String targetType,
      String targetId,
      String result,
      String ip,
      String requestId,
      JsonNode details) {}

  private final AuditEventRepository auditLog;
  private final ObjectMapper json;

  public AuditService(AuditEventRepository auditLog, ObjectMapper json) {
    this.auditLog = auditLog;
    this.json = json;
  }

  /**
   * @param action an exact action ({@code member.removed}) or a prefix ending in {@code *} ({@code
   *     member.*})
   * @param before the cursor: only events older than this sequence number
   */
  @WithSession
  @WithSpan("AuditService.search")
  public Uni<List<AuditEvent>> search(
      @SpanAttribute("tenant.id") UUID tenantId,
      OffsetDateTime from,
      OffsetDateTime to,
      String actor,
      String action,
      Long before,
      int limit) {
    boolean prefix = action != null && action.endsWith("*");
    AuditEventRepository.Filter filter =
        new AuditEventRepository.Filter(
            from,
            to,
            actor,
            prefix ? null : action,
            prefix ? action.substring(0, action.length() - 1) : null,
            before);
    return auditLog
        .search(tenantId, filter, limit)
        .map(found -> found.stream().map(this::view).toList());
  }

  private AuditEvent view(io.smbcopilot.auth.domain.AuditEvent e) {
    JsonNode details;
    try {
      details = json.readTree(e.details);
    } catch (JsonProcessingException | IllegalArgumentException ex) {
      details = json.createObjectNode();
    }
    return new AuditEvent(
        e.seq,
        e.id,
        e.occurredAt,
        e.actorId,
        e.actorType,
        e.action,
        e.targetType,
        e.targetId,
        e.result,
        e.ip,
        e.requestId,
        details);
  }
}
