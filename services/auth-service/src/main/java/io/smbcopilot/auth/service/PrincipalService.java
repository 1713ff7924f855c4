package io.smbcopilot.auth.service;

import io.smbcopilot.outbox.Db;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What the gateway needs to know about a signed-in user: tenant, plan, role and permissions. */
@ApplicationScoped
public class PrincipalService {
  public record UserPrincipal(
      String userId,
      String email,
      String displayName,
      UUID tenantId,
      String tenantName,
      String plan,
      List<String> roles,
      List<String> permissions) {}

  public record TenantInfo(UUID id, String name, String plan) {}

  private final Db db;

  public PrincipalService(Db db) {
    this.db = db;
  }

  public Optional<UserPrincipal> user(String userId) {
    Iterator<Row> rows =
        db.query(
                "SELECT m.tenant_id, m.role, m.email, m.display_name, t.name, t.plan,"
                    + " coalesce(r.permissions, ARRAY[]::text[]) AS permissions"
                    + " FROM membership m JOIN tenant t ON t.id = m.tenant_id"
                    + " LEFT JOIN role r ON r.name = m.role"
                    + " AND (r.tenant_id = m.tenant_id OR r.tenant_id IS NULL)"
                    + " WHERE m.user_id = $1",
                userId)
            .iterator();
    if (!rows.hasNext()) {
      return Optional.empty();
    }
    Row row = rows.next();
    return Optional.of(
        new UserPrincipal(
            userId,
            row.getString("email"),
            row.getString("display_name"),
            row.getUUID("tenant_id"),
            row.getString("name"),
            row.getString("plan"),
            List.of(row.getString("role")),
            Arrays.asList(row.getArrayOfStrings("permissions"))));
  }

  public Optional<TenantInfo> tenant(UUID tenantId) {
    Iterator<Row> rows =
        db.query("SELECT id, name, plan FROM tenant WHERE id = $1", tenantId).iterator();
    if (!rows.hasNext()) {
      return Optional.empty();
    }
    Row row = rows.next();
    return Optional.of(
        new TenantInfo(row.getUUID("id"), row.getString("name"), row.getString("plan")));
  }
}
