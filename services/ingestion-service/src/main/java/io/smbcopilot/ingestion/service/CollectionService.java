package io.smbcopilot.ingestion.service;

import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Collections: every document belongs to one; a tenant starts with {@code general}. A collection
 * may be restricted to some roles or users for reading and for writing; owners and admins may
 * always.
 */
@ApplicationScoped
public class CollectionService {
  public static final String GENERAL = "general";
  static final String COLUMNS =
      "id, name, description, read_roles, read_users, write_roles, write_users, created_at";

  public record Collection(
      UUID id,
      String name,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers,
      OffsetDateTime createdAt) {

    public boolean readableBy(Caller caller) {
      return caller.privileged()
          || (readRoles.isEmpty() && readUsers.isEmpty())
          || !Collections.disjoint(readRoles, caller.roles())
          || readUsers.contains(caller.subject());
    }

    public boolean writableBy(Caller caller) {
      return caller.privileged()
          || (writeRoles.isEmpty() && writeUsers.isEmpty())
          || !Collections.disjoint(writeRoles, caller.roles())
          || writeUsers.contains(caller.subject());
    }
  }

  private final Db db;
  private final ChunkIndex index;
  private final java.util.Set<UUID> withGeneral =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  public CollectionService(Db db, ChunkIndex index) {
    this.db = db;
    this.index = index;
  }

  /**
   * The tenant's collections the caller may read (the tenant's {@code general} made on first use).
   */
  public List<Collection> readable(Caller caller) {
    ensureGeneral(caller.tenantId());
    List<Collection> list = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT " + COLUMNS + " FROM collection WHERE tenant_id = $1 ORDER BY name",
            caller.tenantId())) {
      Collection c = map(row);
      if (c.readableBy(caller)) {
        list.add(c);
      }
    }
    return list;
  }

  /** A collection the caller may read, by id or name; 404 otherwise (also for another tenant's). */
  public Collection readableOne(Caller caller, String idOrName) {
    Collection c = find(db.pool(), caller.tenantId(), idOrName).orElse(null);
    if (c == null || !c.readableBy(caller)) {
      throw ProblemException.notFound("collection");
    }
    return c;
  }

  /** A collection the caller may write to: 404 when they cannot see it, 403 when only read. */
  public Collection writableOne(Caller caller, String idOrName) {
    ensureGeneral(caller.tenantId());
    Collection c = readableOne(caller, idOrName == null || idOrName.isBlank() ? GENERAL : idOrName);
    if (!c.writableBy(caller)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "you may read but not add to the collection " + c.name());
    }
    return c;
  }

  public Collection create(
      Caller caller,
      String name,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers) {
    ensureGeneral(caller.tenantId()); // a tenant's own "general" is always the built-in one
    if (name == null || !name.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,79}")) {
      throw ProblemException.invalid("name", "1 to 80 letters, digits, spaces, '.', '_' or '-'");
    }
    UUID id = UUID.randomUUID();
    try {
      db.query(
          "INSERT INTO collection (id, tenant_id, name, description, read_roles, read_users,"
              + " write_roles, write_users, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          id,
          caller.tenantId(),
          name,
          description == null ? "" : description,
          array(readRoles),
          array(readUsers),
          array(writeRoles),
          array(writeUsers),
          caller.subject());
    } catch (RuntimeException e) {
      if (Db.duplicate(e)) {
        throw new ProblemException(ProblemType.CONFLICT, "a collection named " + name + " exists");
      }
      throw e;
    }
    return find(db.pool(), caller.tenantId(), id.toString()).orElseThrow();
  }

  /** Changes the description or access lists that are given; owners and admins only. */
  public Collection update(
      Caller caller,
      String idOrName,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers) {
    Collection c = managed(caller, idOrName);
    db.query(
        "UPDATE collection SET description = COALESCE($3, description),"
            + " read_roles = COALESCE($4, read_roles), read_users = COALESCE($5, read_users),"
            + " write_roles = COALESCE($6, write_roles), write_users = COALESCE($7, write_users)"
            + " WHERE tenant_id = $1 AND id = $2",
        caller.tenantId(),
        c.id(),
        description,
        readRoles == null ? null : array(readRoles),
        readUsers == null ? null : array(readUsers),
        writeRoles == null ? null : array(writeRoles),
        writeUsers == null ? null : array(writeUsers));
    return find(db.pool(), caller.tenantId(), c.id().toString()).orElseThrow();
  }

  /**
   * Deletes a collection with its documents (originals, chunks) and their vectors; owners and
   * admins only; {@code general} stays.
   */
  public void delete(Caller caller, String idOrName) {
    Collection c = managed(caller, idOrName);
    if (GENERAL.equals(c.name())) {
      throw new ProblemException(ProblemType.CONFLICT, "general cannot be deleted");
    }
    List<UUID> documents =
        db.inTransaction(
            tx -> {
              List<UUID> ids = new ArrayList<>();
              for (Row row :
                  Db.run(
                      tx,
                      "DELETE FROM document WHERE tenant_id = $1 AND collection_id = $2"
                          + " RETURNING id",
                      caller.tenantId(),
                      c.id())) {
                ids.add(row.getUUID("id"));
              }
              Db.run(
                  tx,
                  "DELETE FROM collection WHERE tenant_id = $1 AND id = $2",
                  caller.tenantId(),
                  c.id());
              return ids;
            });
    for (UUID document : documents) {
      index.deleteDocument(caller.tenantId(), document);
    }
  }

  private Collection managed(Caller caller, String idOrName) {
    Collection c = readableOne(caller, idOrName);
    if (!caller.privileged()) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "only owners and admins may change or delete collections");
    }
    return c;
  }

  /** Makes the tenant's {@code general} collection once per tenant and process. */
  void ensureGeneral(UUID tenantId) {
    if (withGeneral.contains(tenantId)) {
      return;
    }
    db.query(
        "INSERT INTO collection (id, tenant_id, name, description) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (tenant_id, name) DO NOTHING",
        UUID.randomUUID(),
        tenantId,
        GENERAL,
        "Every document that names no other collection");
    withGeneral.add(tenantId);
  }

  static Optional<Collection> find(SqlClient client, UUID tenantId, String idOrName) {
    UUID id = null;
    try {
      id = UUID.fromString(idOrName);
    } catch (IllegalArgumentException e) {
      // a name
    }
    for (Row row :
        Db.run(
            client,
            "SELECT "
                + COLUMNS
                + " FROM collection WHERE tenant_id = $1"
                + " AND (id = $2 OR ($2::uuid IS NULL AND name = $3))",
            tenantId,
            id,
            idOrName)) {
      return Optional.of(map(row));
    }
    return Optional.empty();
  }

  private static String[] array(List<String> values) {
    return values == null ? new String[0] : values.toArray(String[]::new);
  }

  static Collection map(Row row) {
    return new Collection(
        row.getUUID("id"),
        row.getString("name"),
        row.getString("description"),
        Arrays.asList(row.getArrayOfStrings("read_roles")),
        Arrays.asList(row.getArrayOfStrings("read_users")),
        Arrays.asList(row.getArrayOfStrings("write_roles")),
        Arrays.asList(row.getArrayOfStrings("write_users")),
        row.getOffsetDateTime("created_at"));
  }
}
