package io.smbcopilot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStack;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job queue on the devstack's real PostgreSQL: several workers in two "processes" run each job
 * once; a worker that dies leaves its job to another once the lease runs out; failures are retried
 * later with a growing pause and end dead with their error; a long job keeps its claim.
 */
class JobQueueTest {
  private static final UUID TENANT = UUID.randomUUID();
  private static Vertx vertx;
  private static Pool pool;
  private static JobQueue queue;

  @BeforeAll
  static void schema() throws Exception {
    DevStack stack = DevStack.forTests(List.of("postgres"));
    Map<String, String> db = stack.provision("jobs-test");
    URI url = URI.create(db.get("reactive-url"));
    vertx = Vertx.vertx();
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(8))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(url.getHost())
                    .setPort(url.getPort())
                    .setDatabase(url.getPath().substring(1))
                    .setUser(db.get("username"))
                    .setPassword(db.get("password")))
            .using(vertx)
            .build();
    sql("DROP TABLE IF EXISTS job CASCADE");
    try (InputStream in = JobQueueTest.class.getResourceAsStream("/db/jobs/V0_3__job.sql")) {
      sql(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    queue = new JobQueue(pool);
  }

  @AfterAll
  static void close() {
    if (pool != null) {
      pool.close().await().indefinitely();
    }
    if (vertx != null) {
      vertx.close().await().indefinitely();
    }
  }

  /**
   * With the database unreachable every call fails at once with the connection error, and nothing
   * fires later: the SQL client's pool leaves a timer behind when a query run on the pool itself
   * cannot get a connection (vertx-sql-client #1706), which reports "Result is already complete" to
   * Vert.x when the pool's connection timeout ends.
   */
  @Test
  void anUnreachableDatabaseFailsEachCallOnceAndLeavesNothingBehind() throws Exception {
    Vertx own = Vertx.vertx();
    List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    own.exceptionHandler(uncaught::add);
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Pool away =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2).setConnectionTimeout(1))
            .connectingTo(
                new PgConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(closed)
                    .setDatabase("none")
                    .setUser("none")
                    .setPassword("none"))
            .using(own)
            .build();
    try {
      JobQueue unreachable = new JobQueue(away);
      Job job = new Job(UUID.randomUUID(), "q", TENANT, "{}", 1);
      List<Uni<?>> calls =
          List.of(
              unreachable.claim("q", "w", Duration.ofSeconds(5)),
              unreachable.renew(job, "w", Duration.ofSeconds(5)),
              unreachable.done(job, "w"),
              unreachable.later(job, "w", Duration.ofSeconds(1), "e"),
              unreachable.dead(job, "w", "e"));
      for (Uni<?> call : calls) {
        assertThat(
                call.map(Object::toString)
                    .onFailure()
                    .recoverWithItem(e -> "failed: " + e)
                    .await()
                    .atMost(Duration.ofSeconds(10)))
            .startsWith("failed: ")
            .contains("Connection refused");
      }
      // past the pool's connection timeout (1 s): nothing reached Vert.x's exception handler
      await()
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(5))
          .until(uncaught::isEmpty);
    } finally {
      away.close().await().indefinitely();
      own.close().await().indefinitely();
    }
  }

  private static JobWorkers.Settings settings(String queueName, int workers, Duration lease) {
    return new JobWorkers.Settings(
        queueName,
        workers,
        lease,
        Duration.ofMillis(100),
        3,
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        0);
  }

  @Test
  void workersInTwoProcessesRunEachJobExactlyOnce() {
    String name = "once-" + UUID.randomUUID();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    JobWorkers.Handler handler =
        job -> {
          runs.incrementAndGet();
          ran.add(job.payload());
          return Uni.createFrom().voidItem();
        };
    try (JobWorkers a =
            new JobWorkers(queue, settings(name, 3, Duration.ofSeconds(30)), handler, "a", null);
        JobWorkers b =
            new JobWorkers(queue, settings(name, 3, Duration.ofSeconds(30)), handler, "b", null)) {
      a.start();
      b.start();
      for (int i = 0; i < 500; i++) {
        enqueue(name, "{\"n\":" + i + "}", Duration.ZERO);
      }
      a.wake();
      b.wake();
      await().atMost(Duration.ofMinutes(1)).until(() -> a.doneCount() + b.doneCount() == 500);
      assertThat(runs.get()).as("runs").isEqualTo(500);
      assertThat(ran).hasSize(500);
      assertThat(a.doneCount()).as("a took part").isPositive();
      assertThat(b.doneCount()).as("b took part").isPositive();
      assertThat(count(name)).as("done jobs are removed").isZero();
    }
  }

  @Test
  void aJobWhoseWorkerDiedIsTakenByAnotherOnceItsLeaseRunsOut() {
    String name = "lease-" + UUID.randomUUID();
    UUID id = enqueue(name, "{}", Duration.ZERO);
    // a worker claims it and dies without a word
    Job claimed =
        queue
            .claim(name, "dead-worker", Duration.ofSeconds(1))
            .await()
            .indefinitely()
            .orElseThrow();
    assertThat(claimed.id()).isEqualTo(id);
    assertThat(queue.claim(name, "other", Duration.ofSeconds(1)).await().indefinitely())
        .as("leased: nobody else takes it")
        .isEmpty();
    AtomicInteger attempts = new AtomicInteger();
    try (JobWorkers survivor =
        new JobWorkers(
            queue,
            settings(name, 1, Duration.ofSeconds(5)),
            job -> {
              attempts.set(job.attempts());
              return Uni.createFrom().voidItem();
            },
            "survivor",
            null)) {
      survivor.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> survivor.doneCount() == 1);
    }
    assertThat(attempts.get()).as("the second claim").isEqualTo(2);
    // the dead worker's late word changes nothing
    assertThat(queue.done(claimed, "dead-worker").await().indefinitely()).isFalse();
  }

  @Test
  void aFailingJobIsTriedLaterWithGrowingPausesAndEndsDeadWithItsError() {
    String name = "failing-" + UUID.randomUUID();
    UUID id = enqueue(name, "{}", Duration.ZERO);
    List<Long> attemptsAt = new ArrayList<>();
    List<String> toldDead = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobWorkers.Handler failing =
        new JobWorkers.Handler() {
          @Override
          public Uni<Void> handle(Job job) {
            synchronized (attemptsAt) {
              attemptsAt.add(System.nanoTime());
            }
            return Uni.createFrom()
                .failure(
                    new IllegalStateException("partner answered 500 (" + job.attempts() + ")"));
          }

          @Override
          public Uni<Void> dead(Job job, String reason) {
            toldDead.add(job.id() + ": " + reason);
            return Uni.createFrom().voidItem();
          }
        };
    try (JobWorkers workers =
        new JobWorkers(queue, settings(name, 2, Duration.ofSeconds(10)), failing, "w", null)) {
      workers.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> workers.deadCount() == 1);
      assertThat(workers.retriedCount()).isEqualTo(2);
    }
    assertThat(toldDead)
        .as("the owner of the work is told once, in words")
        .containsExactly(id + ": failed 3 times; the last time: partner answered 500 (3)");
    Row row = job(id);
    assertThat(row.getString("status")).isEqualTo("dead");
    assertThat(row.getInteger("attempts")).isEqualTo(3);
    assertThat(row.getString("last_error")).isEqualTo("partner answered 500 (3)");
    assertThat(attemptsAt).hasSize(3);
    // pauses of 200 ms, then 400 ms (doubling): each later than the one before it asked for
    assertThat(attemptsAt.get(1) - attemptsAt.get(0)).isGreaterThanOrEqualTo(200_000_000L);
    assertThat(attemptsAt.get(2) - attemptsAt.get(1)).isGreaterThanOrEqualTo(400_000_000L);
    assertThat(queue.claim(name, "w", Duration.ofSeconds(1)).await().indefinitely())
        .as("a dead job is not claimed")
        .isEmpty();
  }

  @Test
  void aHandlerThatKeepsItsOwnScheduleIsRunAgainAfterTheDelayItAsks() {
    String name = "own-schedule-" + UUID.randomUUID();
    enqueue(name, "{}", Duration.ZERO);
    List<Long> attemptsAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobWorkers.Handler handler =
        job -> {
          attemptsAt.add(System.nanoTime());
          return job.attempts() == 1
              ? Uni.createFrom()
                  .failure(new JobWorkers.RetryLater(Duration.ofMillis(1500), "receiver busy"))
              : Uni.createFrom().voidItem();
        };
    try (JobWorkers workers =
        new JobWorkers(queue, settings(name, 1, Duration.ofSeconds(10)), handler, "w", null)) {
      workers.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> workers.doneCount() == 1);
      assertThat(workers.retriedCount()).isEqualTo(1);
      assertThat(workers.deadCount()).isZero();
    }
    // the queue's own backoff would have waited 200 ms
    assertThat(attemptsAt).hasSize(2);
    assertThat(attemptsAt.get(1) - attemptsAt.get(0)).isGreaterThanOrEqualTo(1_500_000_000L);
  }

  @Test
  void aJobIsNotClaimedBeforeItsTimeAndALongJobKeepsItsClaim() {
    String name = "long-" + UUID.randomUUID();
    enqueue(name, "{\"later\":true}", Duration.ofHours(1));
    assertThat(queue.claim(name, "early", Duration.ofSeconds(1)).await().indefinitely()).isEmpty();
    enqueue(name, "{\"long\":true}", Duration.ZERO);
    AtomicInteger started = new AtomicInteger();
    try (JobWorkers slow =
        new JobWorkers(
            queue,
            settings(name, 1, Duration.ofMillis(600)),
            job ->
                Uni.createFrom()
                    .voidItem()
                    .invoke(started::incrementAndGet)
                    .onItem()
                    .delayIt()
                    .by(Duration.ofSeconds(3)),
            "slow",
            null)) {
      slow.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
      // the job takes five leases' time; renewed, it is never free for another worker meanwhile
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  queue
                      .claim(name, "thief", Duration.ofSeconds(1))
                      .await()
                      .indefinitely()
                      .isEmpty());
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.doneCount() == 1);
    }
    assertThat(started.get()).isEqualTo(1);
    assertThat(count(name)).as("the job due in an hour waits").isEqualTo(1);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * The fair claim: a tenant with a long backlog does not keep another's newer job waiting, and a
   * tenant at its limit of jobs in flight gets nothing more until one of them settles; a lease that
   * ran out (a dead worker's) no longer counts as in flight.
   */
  @Test
  void theFairClaimSkipsTenantsAtTheirLimitAndTakesTheOneWithFewestInFlightFirst() {
    String name = "fair-" + UUID.randomUUID();
    UUID busy = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    for (int i = 0; i < 50; i++) {
      JobQueue.enqueue(pool, name, busy, "{\"n\":" + i + "}", Duration.ZERO).await().indefinitely();
    }
    JobQueue.enqueue(pool, name, other, "{\"n\":100}", Duration.ZERO).await().indefinitely();
    JobQueue.enqueue(pool, name, other, "{\"n\":101}", Duration.ZERO).await().indefinitely();
    // the oldest-first claim would take the busy tenant's 50 jobs before the other's
    List<Job> claimed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queue
          .claimFair(name, "w" + i, Duration.ofMinutes(1), 2, 4)
          .await()
          .indefinitely()
          .ifPresent(claimed::add);
    }
    assertThat(claimed)
        .extracting(Job::tenantId)
        .as("both at 0: the older; then the one with fewer in flight; then none: both at 2")
        .containsExactly(busy, other, busy, other);
    assertThat(claimed.get(0).payload()).contains("\"n\": 0");
    assertThat(claimed.get(2).payload()).contains("\"n\": 1");

    // one of the busy tenant's jobs settles: its next job is claimed
    assertThat(queue.done(claimed.get(0), "w0").await().indefinitely()).isTrue();
    Job next =
        queue.claimFair(name, "w5", Duration.ofMinutes(1), 2, 4).await().indefinitely().get();
    assertThat(next.tenantId()).isEqualTo(busy);
    assertThat(next.payload()).contains("\"n\": 2");
    assertThat(queue.claimFair(name, "w6", Duration.ofMinutes(1), 2, 4).await().indefinitely())
        .isEmpty();

    // a worker died holding one: once its lease ran out the tenant is below its limit again, and
    // the dead worker's job is the oldest, so it is the one taken
    pool.preparedQuery("UPDATE job SET lease_until = now() - interval '1 second' WHERE id = $1")
        .execute(Tuple.of(claimed.get(2).id()))
        .await()
        .indefinitely();
    Job resumed =
        queue.claimFair(name, "w7", Duration.ofMinutes(1), 2, 4).await().indefinitely().get();
    assertThat(resumed.id()).isEqualTo(claimed.get(2).id());
    assertThat(resumed.attempts()).isEqualTo(2);

    // without a limit the same queue is oldest first
    Job oldest = queue.claim(name, "w8", Duration.ofMinutes(1)).await().indefinitely().get();
    assertThat(oldest.tenantId()).isEqualTo(busy);
  }

  private static UUID enqueue(String queueName, String payload, Duration delay) {
    return JobQueue.enqueue(pool, queueName, TENANT, payload, delay).await().indefinitely();
  }

  private static long count(String queueName) {
    return pool.preparedQuery("SELECT count(*) AS n FROM job WHERE queue = $1")
        .execute(Tuple.of(queueName))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong("n");
  }

  private static Row job(UUID id) {
    return pool.preparedQuery("SELECT status, attempts, last_error FROM job WHERE id = $1")
        .execute(Tuple.of(id))
        .await()
        .indefinitely()
        .iterator()
        .next();
  }

  private static void sql(String statement) {
    pool.query(statement).execute().await().atMost(Duration.ofSeconds(30));
  }
}
