package io.smbcopilot.auth.service;

import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Permission;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Built-in and custom roles: a role is a named set of permissions from the fixed catalog. */
@ApplicationScoped
public class RoleService {
  public static final String OWNER = "owner";
  public static final List<String> BUILT_IN = List.of("owner", "admin", "member", "viewer");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,39}");
  static final String SELECT =
      "SELECT name, description, permissions, builtin, created_at, updated_at FROM role"
          + " WHERE (tenant_id = $1 OR tenant_id IS NULL)";

  public record Role(
      String name,
      String description,
      List<String> permissions,
      boolean builtin,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  private final Db db;
  private final IdentityRecorder recorder;

  public RoleService(Db db, IdentityRecorder recorder) {
    this.db = db;
    this.recorder = recorder;
  }

  public List<Role> list(UUID tenantId) {
    List<Role> roles = new ArrayList<>();
    for (Row row : db.query(SELECT + " ORDER BY builtin DESC, created_at, name", tenantId)) {
      roles.add(map(row));
    }
    return roles;
  }

  public Optional<Role> find(SqlClient client, UUID tenantId, String name) {
    for (Row row : Db.run(client, SELECT + " AND name = $2", tenantId, name)) {
      return Optional.of(map(row));
    }
    return Optional.empty();
  }

  public Role get(UUID tenantId, String name) {
    return find(db.pool(), tenantId, name).orElseThrow(() -> ProblemException.notFound("role"));
  }

  public Role create(
      UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      String description,
      List<String> permissions) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ProblemException.invalid(
          "name", "lower-case letters, digits and '-', 2 to 40, starting with a letter");
    }
    List<String> checked = checkPermissions(permissions, mine);
    try {
      return db.inTransaction(
          tx -> {
            if (find(tx, tenantId, name).isPresent()) {
              throw new ProblemException(ProblemType.CONFLICT, "a role named " + name + " exists");
            }
            Db.run(
                tx,
                "INSERT INTO role (tenant_id, name, description, permissions) VALUES ($1, $2, $3, $4)",
                tenantId,
                name,
                description == null ? "" : description,
                checked.toArray(String[]::new));
            record(tx, tenantId, actor, "role.created", name, checked);
            return find(tx, tenantId, name).orElseThrow();
          });
    } catch (RuntimeException e) {
      if (Db.duplicate(e)) {
        throw new ProblemException(ProblemType.CONFLICT, "a role named " + name + " exists");
      }
      throw e;
    }
  }

  public Role update(
      UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      String description,
      List<String> permissions) {
    List<String> checked = checkPermissions(permissions, mine);
    return db.inTransaction(
        tx -> {
          Role role = find(tx, tenantId, name).orElseThrow(() -> ProblemException.notFound("role"));
          if (role.builtin()) {
            throw new ProblemException(ProblemType.CONFLICT, "built-in roles cannot be changed");
          }
          Db.run(
              tx,
              "UPDATE role SET description = $3, permissions = $4, updated_at = now()"
                  + " WHERE tenant_id = $1 AND name = $2",
              tenantId,
              name,
              description == null ? role.description() : description,
              checked.toArray(String[]::new));
          record(tx, tenantId, actor, "role.updated", name, checked);
          return find(tx, tenantId, name).orElseThrow();
        });
  }

  public void delete(UUID tenantId, Actor actor, String name) {
    db.inTransaction(
        tx -> {
          Role role = find(tx, tenantId, name).orElseThrow(() -> ProblemException.notFound("role"));
          if (role.builtin()) {
            throw new ProblemException(ProblemType.CONFLICT, "built-in roles cannot be deleted");
          }
          long users =
              Db.run(
                      tx,
                      "SELECT count(*) FROM membership WHERE tenant_id = $1 AND role = $2",
                      tenantId,
                      name)
                  .iterator()
                  .next()
                  .getLong(0);
          if (users > 0) {
            throw new ProblemException(
                ProblemType.CONFLICT,
                "the role is held by " + users + " member(s); change theirs first");
          }
          Db.run(tx, "DELETE FROM role WHERE tenant_id = $1 AND name = $2", tenantId, name);
          record(tx, tenantId, actor, "role.deleted", name, role.permissions());
          return null;
        });
  }

  private void record(
      io.vertx.mutiny.sqlclient.SqlConnection tx,
      UUID tenantId,
      Actor actor,
      String action,
      String name,
      List<String> perms) {
    recorder.audit(
        tx, tenantId, actor, action, "role", name, "success", Map.of("permissions", perms));
    recorder.emit(
        tx,
        EventType.ROLE_CHANGED,
        tenantId,
        "role/" + name,
        new RoleChanged(
            tenantId.toString(),
            name,
            perms,
            action.substring(action.indexOf('.') + 1),
            actor.id()));
  }

  /** Known permissions only, and none the caller does not hold (no escalation). */
  static List<String> checkPermissions(List<String> permissions, Set<String> mine) {
    if (permissions == null || permissions.isEmpty()) {
      throw ProblemException.invalid("permissions", "at least one permission");
    }
    Set<String> result = new LinkedHashSet<>();
    for (String p : permissions) {
      if (Permission.byValue(p).isEmpty()) {
        throw ProblemException.invalid(
            "permissions",
            "unknown permission '"
                + p
                + "'; known: "
                + Arrays.stream(Permission.values()).map(Permission::value).toList());
      }
      if (!mine.contains(p)) {
        throw new ProblemException(
            ProblemType.FORBIDDEN, "you cannot grant the permission " + p + ", which you lack");
      }
      result.add(p);
    }
    return List.copyOf(result);
  }

  private static Role map(Row row) {
    return new Role(
        row.getString("name"),
        row.getString("description"),
        Arrays.asList(row.getArrayOfStrings("permissions")),
        row.getBoolean("builtin"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}
