package io.smbcopilot.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The public halves of every gateway replica's internal-token key ({@code signing_key}): registered
 * at start, retired at shutdown, served for ten minutes after retirement, removed after a day.
 */
@ApplicationScoped
public class SigningKeyRepository {
  private final Pool pool;

  public SigningKeyRepository(Pool pool) {
    this.pool = pool;
  }

  /** Registers a key (once) and removes keys retired more than a day ago. */
  public Uni<Void> register(String kid, String algorithm, String publicJwk) {
    return run(
            "INSERT INTO signing_key (kid, algorithm, public_jwk) VALUES ($1, $2, $3::text::jsonb)"
                + " ON CONFLICT (kid) DO NOTHING",
            Tuple.of(kid, algorithm, publicJwk))
        .flatMap(
            r ->
                run(
                    "DELETE FROM signing_key WHERE retired_at < now() - interval '1 day'",
                    Tuple.tuple()))
        .replaceWithVoid();
  }

  public Uni<Void> retire(String kid) {
    return run("UPDATE signing_key SET retired_at = now() WHERE kid = $1", Tuple.of(kid))
        .replaceWithVoid();
  }

  /** The public JWKs of the other live keys, and of those retired within ten minutes. */
  public Uni<List<String>> othersThan(String kid) {
    return run(
            "SELECT public_jwk::text AS jwk FROM signing_key WHERE kid <> $1"
                + " AND (retired_at IS NULL OR retired_at > now() - interval '10 minutes')",
            Tuple.of(kid))
        .map(
            rows -> {
              List<String> keys = new ArrayList<>();
              for (Row row : rows) {
                keys.add(row.getString("jwk"));
              }
              return keys;
            });
  }

  /**
   * On a connection of the pool, not {@code pool.preparedQuery(...)}: a query run on the pool
   * itself leaves a timer behind when the database is away, which reports "Result is already
   * complete" to Vert.x later (vertx-sql-client #1706).
   */
  private Uni<RowSet<Row>> run(String sql, Tuple args) {
    return Pools.withConnection(pool, connection -> connection.preparedQuery(sql).execute(args));
  }
}
