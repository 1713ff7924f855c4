package io.smbcopilot.auth.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.outbox.Outbox;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Writes an identity change's audit entry and its event (through the outbox) in the transaction of
 * the change itself, so the three commit together or not at all.
 */
@ApplicationScoped
public class IdentityRecorder {
  public static final String SOURCE = "/auth-service";
  private final ObjectMapper json;

  public IdentityRecorder(ObjectMapper json) {
    this.json = json;
  }

  public void audit(
      SqlConnection tx,
      UUID tenantId,
      Actor actor,
      String action,
      String targetType,
      String targetId,
      String result,
      Map<String, ?> details) {
    String detailJson;
    try {
      detailJson = json.writeValueAsString(details == null ? Map.of() : details);
    } catch (Exception e) {
      detailJson = "{}";
    }
    Db.run(
        tx,
        "INSERT INTO audit_event (id, tenant_id, actor_id, actor_type, action, target_type,"
            + " target_id, result, ip, request_id, details)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb)",
        UUID.randomUUID(),
        tenantId,
        actor.id(),
        actor.type(),
        action,
        targetType,
        targetId,
        result,
        actor.ip(),
        actor.requestId(),
        detailJson);
  }

  public void emit(SqlConnection tx, EventType type, UUID tenantId, String subject, Record data) {
    CloudEvent event = CloudEvent.of(type, SOURCE, tenantId.toString(), subject, data);
    Outbox.append(tx, event).await().atMost(Duration.ofSeconds(10));
  }
}
