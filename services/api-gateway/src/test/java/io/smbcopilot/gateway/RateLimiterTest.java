package io.smbcopilot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.gateway.ratelimit.RateLimiter;
import io.smbcopilot.gateway.repository.RateBucketRepository;
import io.smbcopilot.testing.InternalTokenResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rate limiter on the real PostgreSQL: a bucket admits its capacity, then refuses with a
 * Retry-After that matches its refill rate; the tokens come from the shared bucket, so a second
 * replica (a limiter of its own over the same table) finds them spent.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "api-gateway"),
      @ResourceArg(name = "components", value = "postgres")
    })
class RateLimiterTest {
  @Inject RateLimiter limiter;
  @Inject RateBucketRepository buckets;
  @Inject io.vertx.mutiny.sqlclient.Pool pool;

  private static RateLimiter.Decision acquire(RateLimiter limiter, RateLimiter.Limit limit) {
    return limiter.acquire(limit).await().atMost(Duration.ofSeconds(10));
  }

  @Test
  void aBucketAdmitsItsCapacityThenRefusesUntilItRefills() {
    // 40 tokens, refilled at one every 20 s: nothing refills during the test
    RateLimiter.Limit limit = new RateLimiter.Limit("test:" + UUID.randomUUID(), 40, 0.05);
    long lastRemaining = Long.MAX_VALUE;
    for (int i = 0; i < 40; i++) {
      RateLimiter.Decision decision = acquire(limiter, limit);
      assertThat(decision.allowed()).as("request %d", i + 1).isTrue();
      assertThat(decision.limit()).isEqualTo(40);
      assertThat(decision.remaining()).isLessThan(lastRemaining);
      lastRemaining = decision.remaining();
    }
    assertThat(lastRemaining).isZero();
    RateLimiter.Decision refused = acquire(limiter, limit);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 20L);
  }

  @Test
  void requestsArrivingTogetherWellInsideTheBurstAllPass() {
    // The free plan's burst (100 tokens, 10 per second): 20 at once on one replica, then 40 at
    // once spread over two.
    RateLimiter.Limit limit = new RateLimiter.Limit("test:" + UUID.randomUUID(), 100, 10);
    assertThat(together(limiter, limit, 20)).as("20 at once on one replica").isEqualTo(20);

    RateLimiter.Limit fresh = new RateLimiter.Limit("test:" + UUID.randomUUID(), 100, 10);
    RateLimiter other = new RateLimiter(buckets);
    List<Uni<RateLimiter.Decision>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add((i % 2 == 0 ? limiter : other).acquire(fresh));
    }
    assertThat(allowed(calls)).as("40 at once over two replicas").isEqualTo(40);
  }

  @Test
  void requestsArrivingTogetherBeyondTheBurstAdmitExactlyIt() {
    // Nothing refills during the test: of 60 at once over two replicas, the bucket's 25 pass.
    RateLimiter.Limit limit = new RateLimiter.Limit("test:" + UUID.randomUUID(), 25, 0.01);
    RateLimiter other = new RateLimiter(buckets);
    List<Uni<RateLimiter.Decision>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      calls.add((i % 2 == 0 ? limiter : other).acquire(limit));
    }
    assertThat(allowed(calls)).isEqualTo(25);
  }

  /** Sends {@code n} requests at once through one limiter; answers how many were allowed. */
  private static int together(RateLimiter limiter, RateLimiter.Limit limit, int n) {
    List<Uni<RateLimiter.Decision>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(limiter.acquire(limit));
    }
    return allowed(calls);
  }

  /** Subscribes to every call at once and counts the allowed ones. */
  private static int allowed(List<Uni<RateLimiter.Decision>> calls) {
    List<RateLimiter.Decision> decisions =
        Uni.join().all(calls).andCollectFailures().await().atMost(Duration.ofSeconds(20));
    return (int) decisions.stream().filter(RateLimiter.Decision::allowed).count();
  }

  @Test
  void anotherReplicaDrawsFromTheSameSharedBucket() {
    RateLimiter.Limit limit = new RateLimiter.Limit("test:" + UUID.randomUUID(), 20, 0.05);
    RateLimiter other = new RateLimiter(buckets);
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      // the two replicas take turns
      if (acquire(i % 2 == 0 ? limiter : other, limit).allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).as("both replicas together admit the bucket's 20").isEqualTo(20);
  }

  @Test
  void bucketsThatRefilledAreDeletedAndSpentOnesStay() {
    // 5 tokens refilled at 50 a second: full again a tenth of a second after it is spent
    RateLimiter.Limit quick = new RateLimiter.Limit("test:" + UUID.randomUUID(), 5, 50);
    // 40 tokens at one every 20 s: still short during the test
    RateLimiter.Limit slow = new RateLimiter.Limit("test:" + UUID.randomUUID(), 40, 0.05);
    for (int i = 0; i < 5; i++) {
      assertThat(acquire(limiter, quick).allowed()).isTrue();
      assertThat(acquire(limiter, slow).allowed()).isTrue();
    }
    assertThat(bucket(quick)).isTrue();
    org.awaitility.Awaitility.await()
        .alias("the refilled bucket is deleted")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              buckets.forgetFull().await().atMost(Duration.ofSeconds(10));
              return !bucket(quick);
            });
    assertThat(bucket(slow)).as("a bucket still short stays").isTrue();
    // a new bucket in its place admits what the full one would have: all its tokens
    RateLimiter fresh = new RateLimiter(buckets);
    for (int i = 0; i < 5; i++) {
      assertThat(acquire(fresh, quick).allowed()).as("request %d", i + 1).isTrue();
    }
  }

  private boolean bucket(RateLimiter.Limit limit) {
    return pool.preparedQuery("SELECT count(*) FROM rate_bucket WHERE bucket_key = $1")
            .execute(io.vertx.mutiny.sqlclient.Tuple.of(limit.key()))
            .await()
            .atMost(Duration.ofSeconds(10))
            .iterator()
            .next()
            .getLong(0)
        > 0;
  }
}
