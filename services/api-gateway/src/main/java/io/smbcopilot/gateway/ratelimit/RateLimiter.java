package io.smbcopilot.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.gateway.repository.RateBucketRepository;
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

  private static final class Local {
    int available;
    double sharedLeft;

    /** Requests of this replica waiting for a lease of this bucket. */
    int waiting;

    Uni<Integer> inFlight;
  }

  private final RateBucketRepository shared;
  private final Map<String, Local> buckets = new ConcurrentHashMap<>();

  public RateLimiter(RateBucketRepository shared) {
    this.shared = shared;
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
      local.waiting++;
    }
    return afterLease(limit, local);
  }

  /**
   * Waits for a lease and takes a token from it. Requests that waited together share the lease;
   * those it was too small for take another, so a request is refused only when the shared bucket
   * itself had no whole token left.
   */
  private Uni<Decision> afterLease(Limit limit, Local local) {
    return lease(limit, local)
        .chain(
            granted -> {
              synchronized (local) {
                if (local.available > 0) {
                  local.available--;
                  local.waiting--;
                  return Uni.createFrom().item(allowed(limit, local));
                }
                if (granted == 0) {
                  local.waiting--;
                  return Uni.createFrom().item(refused(limit, local));
                }
              }
              // The lease went to the requests that waited with this one: take another.
              return afterLease(limit, local);
            });
  }

  private Decision allowed(Limit limit, Local local) {
    long remaining = (long) Math.floor(local.sharedLeft) + local.available;
    return new Decision(true, limit.capacity(), remaining, reset(limit, local), 0);
  }

  private Decision refused(Limit limit, Local local) {
    double missing = 1 - local.sharedLeft;
    long retry =
        limit.perSecond() > 0 ? Math.max(1, (long) Math.ceil(missing / limit.perSecond())) : 60;
    return new Decision(false, limit.capacity(), 0, reset(limit, local), retry);
  }

  private static long reset(Limit limit, Local local) {
    double missing = limit.capacity() - local.sharedLeft - local.available;
    return limit.perSecond() > 0 ? (long) Math.ceil(Math.max(0, missing) / limit.perSecond()) : 0;
  }

  /**
   * One lease call per bucket at a time; concurrent requests wait for it. It asks for a lease's
   * worth of tokens, or one for each waiting request when more wait; answers the tokens granted.
   */
  private Uni<Integer> lease(Limit limit, Local local) {
    synchronized (local) {
      if (local.inFlight != null) {
        return local.inFlight;
      }
      int size = Math.min(limit.capacity(), Math.max(leaseSize(limit), local.waiting));
      Uni<Integer> call =
          shared
              .lease(limit.key(), limit.capacity(), limit.perSecond(), size)
              .onItemOrFailure()
              .transform(
                  (lease, failure) -> {
                    synchronized (local) {
                      local.inFlight = null;
                      if (failure != null) {
                        // Fail open: a database hiccup must not refuse every request.
                        local.available += 1;
                        return 1;
                      }
                      local.available += lease.granted();
                      local.sharedLeft = lease.leftOver();
                      return lease.granted();
                    }
                  })
              .memoize()
              .indefinitely();
      local.inFlight = call;
      return call;
    }
  }
}
