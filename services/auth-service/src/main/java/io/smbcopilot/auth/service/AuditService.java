package io.smbcopilot.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.outbox.Db;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

  private final Db db;
  private final ObjectMapper json;

  public AuditService(Db db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /**
   * @param action an exact action ({@code member.removed}) or a prefix ending in {@code *} ({@code
   *     member.*})
   * @param before the cursor: only events older than this sequence number
   */
  public List<AuditEvent> search(
      UUID tenantId,
      OffsetDateTime from,
      OffsetDateTime to,
      String actor,
      String action,
      Long before,
      int limit) {
    String actionExact = action != null && !action.endsWith("*") ? action : null;
    String actionPrefix =
        action != null && action.endsWith("*") ? action.substring(0, action.length() - 1) : null;
    List<AuditEvent> events = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT seq, id, occurred_at, actor_id, actor_type, action, target_type, target_id,"
                + " result, ip, request_id, details::text AS details FROM audit_event"
                + " WHERE tenant_id = $1"
                + " AND ($2::timestamptz IS NULL OR occurred_at >= $2)"
                + " AND ($3::timestamptz IS NULL OR occurred_at < $3)"
                + " AND ($4::text IS NULL OR actor_id = $4)"
                + " AND ($5::text IS NULL OR action = $5)"
                + " AND ($6::text IS NULL OR starts_with(action, $6))"
                + " AND ($7::bigint IS NULL OR seq < $7)"
                + " ORDER BY seq DESC LIMIT $8",
            tenantId,
            from,
            to,
            actor,
            actionExact,
            actionPrefix,
            before,
            limit)) {
      JsonNode details;
      try {
        details = json.readTree(row.getString("details"));
      } catch (Exception e) {
        details = json.createObjectNode();
      }
      events.add(
          new AuditEvent(
              row.getLong("seq"),
              row.getUUID("id"),
              row.getOffsetDateTime("occurred_at"),
              row.getString("actor_id"),
              row.getString("actor_type"),
              row.getString("action"),
              row.getString("target_type"),
              row.getString("target_id"),
              row.getString("result"),
              row.getString("ip"),
              row.getString("request_id"),
              details));
    }
    return events;
  }
}
