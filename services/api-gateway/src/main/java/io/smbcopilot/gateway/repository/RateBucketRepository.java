package io.smbcopilot.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The shared token buckets ({@code rate_bucket}) of every gateway replica. A lease takes up to a
 * number of whole tokens from a bucket, refilled for the time since it was last touched, in one row
 * update under the row's lock; a bucket seen for the first time starts full. Native SQL: the refill
 * arithmetic and the lock are the database's.
 */
@ApplicationScoped
public class RateBucketRepository {
  static final String LEASE =
      "WITH cur AS (SELECT bucket_key, LEAST($2::float8, tokens + $3::float8"
          + " * EXTRACT(EPOCH FROM clock_timestamp() - refreshed_at)) AS t"
          + " FROM rate_bucket WHERE bucket_key = $1 FOR UPDATE)"
          + " UPDATE rate_bucket b SET tokens = cur.t - LEAST($4::float8, FLOOR(cur.t)),"
          + " refreshed_at = clock_timestamp(), capacity = $2::float8, per_second = $3::float8"
          + " FROM cur WHERE b.bucket_key = cur.bucket_key"
          + " RETURNING LEAST($4::float8, FLOOR(cur.t)) AS granted, b.tokens AS left_over";
  static final String CREATE =
      "INSERT INTO rate_bucket (bucket_key, tokens, refreshed_at, capacity, per_second)"
          + " VALUES ($1, $2::float8, clock_timestamp(), $2::float8, $3::float8)"
          + " ON CONFLICT (bucket_key) DO NOTHING";
  static final String FORGET_FULL =
      "DELETE FROM rate_bucket WHERE tokens + per_second"
          + " * EXTRACT(EPOCH FROM clock_timestamp() - refreshed_at) >= capacity"
          + " OR (capacity IS NULL AND refreshed_at < clock_timestamp() - interval '1 hour')";

  /**
   * What a lease took.
   *
   * @param granted whole tokens taken for this replica
   * @param leftOver tokens still in the shared bucket
   */
  public record Lease(int granted, double leftOver) {}

  private final Pool pool;

  public RateBucketRepository(Pool pool) {
    this.pool = pool;
  }

  /** Takes up to {@code size} tokens from the bucket, creating it full when it is new. */
  public Uni<Lease> lease(String key, int capacity, double perSecond, int size) {
    Tuple args = Tuple.of(key, (double) capacity, perSecond, (double) size);
    return run(LEASE, args)
        .flatMap(
            rows ->
                rows.rowCount() > 0
                    ? Uni.createFrom().item(rows)
                    : run(CREATE, Tuple.of(key, (double) capacity, perSecond))
                        .flatMap(created -> run(LEASE, args)))
        .map(RateBucketRepository::lease);
  }

  /**
   * Deletes the buckets that have refilled to their size since they were last touched: such a
   * bucket admits what a new one would, so nothing changes for a caller, and the table keeps only
   * the keys (tenants, API keys) of the last minutes. How many were deleted.
   */
  public Uni<Integer> forgetFull() {
    return run(FORGET_FULL, Tuple.tuple()).map(RowSet::rowCount);
  }

  private static Lease lease(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    return new Lease((int) row.getDouble("granted").doubleValue(), row.getDouble("left_over"));
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
