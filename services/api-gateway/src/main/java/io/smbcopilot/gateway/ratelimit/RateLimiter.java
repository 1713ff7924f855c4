package io.smbcopilot.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets shared by every gateway replica through Postgres. A replica takes a small lease of
 * tokens from the shared bucket (one row update under a lock) and admits requests from it locally;
 * only when its lease is spent does it ask again. Every admitted request took a token from the
 * shared bucket, so the replicas together never admit more than the limit; tokens leased but not
 * used (at most a lease per replica) are the only error, and they are few.
 */
@ApplicationScoped
public class RateLimiter {
  /** A bucket: {@code capacity} tokens, refilled at {@code perSecond}. */
  public record Limit(String key, int capacity, double perSecond) {}

  /**
   * The outcome for one bucket.
   *
   * @param remaining tokens left (shared bucket plus this replica's lease)
   * @param resetSeconds seconds until the bucket is full again
   * @param retryAfterSeconds when refused: seconds until a token is available
   */
  public record Decision(
      boolean allowed, int limit, long remaining, long resetSeconds, long retryAfterSeconds) {}

  static final String LEASE =
      "WITH cur AS (SELECT bucket_key, LEAST($2::float8, tokens + $3::float8"
          + " * EXTRACT(EPOCH FROM clock_timestamp() - refreshed_at)) AS t"
          + " FROM rate_bucket WHERE bucket_key = $1 FOR UPDATE)"
          + " UPDATE rate_bucket b SET tokens = cur.t - LEAST($4::float8, FLOOR(cur.t)),"
          + " refreshed_at = clock_timestamp() FROM cur WHERE b.bucket_key = cur.bucket_key"
          + " RETURNING LEAST($4::float8, FLOOR(cur.t)) AS granted, b.tokens AS left_over";
  static final String CREATE =
      "INSERT INTO rate_bucket (bucket_key, tokens, refreshed_at)"
          + " VALUES ($1, $2::float8, clock_timestamp()) ON CONFLICT (bucket_key) DO NOTHING";

  private static final class Local {
    int available;
    double sharedLeft;
    Uni<Void> inFlight;
  }

  private final Pool pool;
  private final Map<String, Local> buckets = new ConcurrentHashMap<>();

  public RateLimiter(Pool pool) {
    this.pool = pool;
  }

  /** Lease size: a twentieth of the bucket, at least one token. */
  static int leaseSize(Limit limit) {
    return Math.max(1, limit.capacity() / 20);
  }

  public Uni<Decision> acquire(Limit limit) {
    Local local = buckets.computeIfAbsent(limit.key(), k -> new Local());
    synchronized (local) {
      if (local.available > 0) {
        local.available--;
        return Uni.createFrom().item(allowed(limit, local));
      }
    }
    return lease(limit, local)
        .map(
            granted -> {
              synchronized (local) {
                if (local.available > 0) {
                  local.available--;
                  return allowed(limit, local);
                }
                double missing = 1 - local.sharedLeft;
                long retry =
                    limit.perSecond() > 0
                        ? Math.max(1, (long) Math.ceil(missing / limit.perSecond()))
                        : 60;
                return new Decision(false, limit.capacity(), 0, reset(limit, local), retry);
              }
            });
  }

  private Decision allowed(Limit limit, Local local) {
    long remaining = (long) Math.floor(local.sharedLeft) + local.available;
    return new Decision(true, limit.capacity(), remaining, reset(limit, local), 0);
  }

  private static long reset(Limit limit, Local local) {
    double missing = limit.capacity() - local.sharedLeft - local.available;
    return limit.perSecond() > 0 ? (long) Math.ceil(Math.max(0, missing) / limit.perSecond()) : 0;
  }

  /** One lease call per bucket at a time; concurrent requests wait for it. */
  private Uni<Void> lease(Limit limit, Local local) {
    synchronized (local) {
      if (local.inFlight != null) {
        return local.inFlight;
      }
      Uni<Void> call =
          take(limit)
              .onItemOrFailure()
              .transform(
                  (rows, failure) -> {
                    synchronized (local) {
                      local.inFlight = null;
                      if (failure != null) {
                        // Fail open: a database hiccup must not refuse every request.
                        local.available += 1;
                        return null;
                      }
                      for (Row row : rows) {
                        local.available += (int) row.getDouble("granted").doubleValue();
                        local.sharedLeft = row.getDouble("left_over");
                      }
                      return null;
                    }
                  })
              .replaceWithVoid()
              .memoize()
              .indefinitely();
      local.inFlight = call;
      return call;
    }
  }

  private Uni<RowSet<Row>> take(Limit limit) {
    Tuple args =
        Tuple.of(
            limit.key(), (double) limit.capacity(), limit.perSecond(), (double) leaseSize(limit));
    return pool.preparedQuery(LEASE)
        .execute(args)
        .flatMap(
            rows ->
                rows.rowCount() > 0
                    ? Uni.createFrom().item(rows)
                    : pool.preparedQuery(CREATE)
                        .execute(Tuple.of(limit.key(), (double) limit.capacity()))
                        .flatMap(created -> pool.preparedQuery(LEASE).execute(args)));
  }
}
