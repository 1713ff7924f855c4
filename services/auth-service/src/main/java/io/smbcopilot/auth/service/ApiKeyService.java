package io.smbcopilot.auth.service;

import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.ApiKeyChanged;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Partner API keys: {@code smbc_<10 characters>_<40 characters>}. The first part (the prefix) is
 * shown in lists and finds the key; only a SHA-256 hash of the whole key is stored, and the secret
 * is shown once, when the key is made.
 */
@ApplicationScoped
public class ApiKeyService {
  public static final Pattern FORMAT = Pattern.compile("(smbc_[A-Za-z0-9]{10})_([A-Za-z0-9]{40})");
  static final String COLUMNS =
      "id, name, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at";

  public record ApiKey(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      OffsetDateTime lastUsedAt,
      OffsetDateTime revokedAt,
      String secret) {
    public String status() {
      if (revokedAt != null) {
        return "revoked";
      }
      return expiresAt != null && expiresAt.isBefore(OffsetDateTime.now()) ? "expired" : "active";
    }
  }

  public record VerifiedKey(
      UUID keyId, UUID tenantId, String name, List<String> scopes, String plan, String createdBy) {}

  private final Db db;
  private final IdentityRecorder recorder;
  private final AuthConfig config;

  public ApiKeyService(Db db, IdentityRecorder recorder, AuthConfig config) {
    this.db = db;
    this.recorder = recorder;
    this.config = config;
  }

  public ApiKey create(
      UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      List<String> scopes,
      OffsetDateTime expiresAt) {
    List<String> checked = RoleService.checkPermissions(scopes, mine);
    if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
      throw ProblemException.invalid("expiresAt", "must be in the future");
    }
    String prefix = "smbc_" + Secrets.readable(10);
    String key = prefix + "_" + Secrets.readable(40);
    UUID id = UUID.randomUUID();
    return db.inTransaction(
        tx -> {
          Row row =
              Db.run(
                      tx,
                      "INSERT INTO api_key (id, tenant_id, name, prefix, secret_hash, scopes,"
                          + " created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                          + " RETURNING "
                          + COLUMNS,
                      id,
                      tenantId,
                      name.trim(),
                      prefix,
                      Secrets.sha256(key),
                      checked.toArray(String[]::new),
                      actor.id(),
                      expiresAt)
                  .iterator()
                  .next();
          recorder.audit(
              tx,
              tenantId,
              actor,
              "api-key.created",
              "api-key",
              id.toString(),
              "success",
              Map.of("name", name.trim(), "prefix", prefix, "scopes", checked));
          recorder.emit(
              tx,
              EventType.API_KEY_CHANGED,
              tenantId,
              "api-key/" + id,
              new ApiKeyChanged(
                  tenantId.toString(), id.toString(), prefix, checked, "created", actor.id()));
          return map(row, key);
        });
  }

  public List<ApiKey> list(UUID tenantId) {
    List<ApiKey> keys = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT " + COLUMNS + " FROM api_key WHERE tenant_id = $1 ORDER BY created_at DESC",
            tenantId)) {
      keys.add(map(row, null));
    }
    return keys;
  }

  public ApiKey get(UUID tenantId, UUID id) {
    Iterator<Row> rows =
        db.query(
                "SELECT " + COLUMNS + " FROM api_key WHERE tenant_id = $1 AND id = $2",
                tenantId,
                id)
            .iterator();
    if (!rows.hasNext()) {
      throw ProblemException.notFound("API key");
    }
    return map(rows.next(), null);
  }

  /** Revokes the key (again is fine); it stops working within the gateway's cache time. */
  public void revoke(UUID tenantId, Actor actor, UUID id) {
    db.inTransaction(
        tx -> {
          if (Db.run(tx, "SELECT 1 FROM api_key WHERE tenant_id = $1 AND id = $2", tenantId, id)
                  .rowCount()
              == 0) {
            throw ProblemException.notFound("API key");
          }
          revokeWhere(tx, tenantId, actor, "id = $2", id, null);
          return null;
        });
  }

  /** Revokes, in the caller's transaction, every key a (removed) member created. */
  public void revokeCreatedBy(SqlConnection tx, UUID tenantId, Actor actor, String userId) {
    revokeWhere(tx, tenantId, actor, "created_by = $2", userId, "its creator was removed");
  }

  /** Revokes the tenant's live keys matching the condition on $2; each is audited and announced. */
  private void revokeWhere(
      SqlConnection tx, UUID tenantId, Actor actor, String condition, Object value, String reason) {
    for (Row row :
        Db.run(
            tx,
            "UPDATE api_key SET revoked_at = now(), revoked_by = $3 WHERE tenant_id = $1 AND "
                + condition
                + " AND revoked_at IS NULL RETURNING id, prefix, scopes",
            tenantId,
            value,
            actor.id())) {
      String id = row.getUUID("id").toString();
      Map<String, Object> details = new java.util.LinkedHashMap<>();
      details.put("prefix", row.getString("prefix"));
      if (reason != null) {
        details.put("reason", reason);
      }
      recorder.audit(tx, tenantId, actor, "api-key.revoked", "api-key", id, "success", details);
      recorder.emit(
          tx,
          EventType.API_KEY_CHANGED,
          tenantId,
          "api-key/" + id,
          new ApiKeyChanged(
              tenantId.toString(),
              id,
              row.getString("prefix"),
              Arrays.asList(row.getArrayOfStrings("scopes")),
              "revoked",
              actor.id()));
    }
  }

  /** The key's tenant and scopes, if it is well-formed, known, not revoked and not expired. */
  public Optional<VerifiedKey> verify(String key) {
    Matcher parts = key == null ? null : FORMAT.matcher(key.trim());
    if (parts == null || !parts.matches()) {
      return Optional.empty();
    }
    Iterator<Row> rows =
        db.query(
                "SELECT k.id, k.tenant_id, k.name, k.scopes, k.secret_hash, k.created_by, t.plan"
                    + " FROM api_key k JOIN tenant t ON t.id = k.tenant_id WHERE k.prefix = $1"
                    + " AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())",
                parts.group(1))
            .iterator();
    if (!rows.hasNext()) {
      return Optional.empty();
    }
    Row row = rows.next();
    byte[] stored = row.getBuffer("secret_hash").getBytes();
    if (!MessageDigest.isEqual(stored, Secrets.sha256(key.trim()))) {
      return Optional.empty();
    }
    UUID id = row.getUUID("id");
    db.query(
        "UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL"
            + " OR last_used_at < now() - make_interval(secs => $2))",
        id,
        (double) config.lastUseResolution().toMillis() / 1000.0);
    return Optional.of(
        new VerifiedKey(
            id,
            row.getUUID("tenant_id"),
            row.getString("name"),
            Arrays.asList(row.getArrayOfStrings("scopes")),
            row.getString("plan"),
            row.getString("created_by")));
  }

  private static ApiKey map(Row row, String secret) {
    return new ApiKey(
        row.getUUID("id"),
        row.getString("name"),
        row.getString("prefix"),
        Arrays.asList(row.getArrayOfStrings("scopes")),
        row.getString("created_by"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("expires_at"),
        row.getOffsetDateTime("last_used_at"),
        row.getOffsetDateTime("revoked_at"),
        secret);
  }
}
