package io.smbcopilot.auth.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.AuditEvent;
import io.smbcopilot.auth.repository.AuditEventRepository;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Writes an identity change's audit entry and its event (through the outbox) in the transaction of
 * the change itself, so the three commit together or not at all.
 */
@ApplicationScoped
public class IdentityRecorder {
  public static final String SOURCE = "/auth-service";

  private final AuditEventRepository auditLog;
  private final Outbox outbox;
  private final ObjectMapper json;

  public IdentityRecorder(AuditEventRepository auditLog, Outbox outbox, ObjectMapper json) {
    this.auditLog = auditLog;
    this.outbox = outbox;
    this.json = json;
  }

  /** Appends an audit entry in the current transaction. */
  public Uni<Void> audit(
      UUID tenantId,
      Actor actor,
      String action,
      String targetType,
      String targetId,
      String result,
      Map<String, ?> details) {
    AuditEvent entry = new AuditEvent();
    entry.id = UUID.randomUUID();
    entry.tenantId = tenantId;
    entry.actorId = actor.id();
    entry.actorType = actor.type();
    entry.action = action;
    entry.targetType = targetType;
    entry.targetId = targetId;
    entry.result = result;
    entry.ip = actor.ip();
    entry.requestId = actor.requestId();
    try {
      entry.details = json.writeValueAsString(details == null ? Map.of() : details);
    } catch (JsonProcessingException e) {
      entry.details = "{}";
    }
    return auditLog.persist(entry).replaceWithVoid();
  }

  /** Appends the event to the outbox in the current transaction. */
  public Uni<Void> emit(EventType type, UUID tenantId, String subject, Record data) {
    return outbox.append(CloudEvent.of(type, SOURCE, tenantId.toString(), subject, data));
  }

  /**
   * Runs a change in a transaction of its own. A refused change (403, 409) is audited as denied, in
   * a second transaction since the first rolled back, before the problem goes out.
   */
  public <T> Uni<T> guarded(
      UUID tenantId,
      Actor actor,
      String action,
      String targetType,
      String target,
      Supplier<Uni<T>> change) {
    return Panache.withTransaction(change)
        .onFailure(ProblemException.class)
        .recoverWithUni(
            e -> {
              ProblemException problem = (ProblemException) e;
              if (problem.type() != ProblemType.FORBIDDEN
                  && problem.type() != ProblemType.CONFLICT) {
                return Uni.createFrom().failure(problem);
              }
              return Panache.withTransaction(
                      () ->
                          audit(
                              tenantId,
                              actor,
                              action,
                              targetType,
                              target,
                              "denied",
                              Map.of("reason", problem.getMessage())))
                  .chain(() -> Uni.createFrom().failure(problem));
            });
  }
}
