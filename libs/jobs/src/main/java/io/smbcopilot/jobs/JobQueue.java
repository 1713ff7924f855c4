package io.smbcopilot.jobs;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of the job queue ({@code job}, see {@code db/jobs/V0_3__job.sql}): enqueue in the
 * caller's transaction, claim with {@code FOR UPDATE SKIP LOCKED} and a lease, renew the lease, and
 * settle a claimed job (done, later, dead). Every change to a claimed job names the worker that
 * holds it, so a worker whose lease ran out and whose job went to another changes nothing.
 */
public final class JobQueue {
  static final String INSERT =
      "INSERT INTO job (id, queue, tenant_id, payload, run_at)"
          + " VALUES ($1, $2, $3, $4::text::jsonb, now() + make_interval(secs => $5))";
  static final String CLAIM =
      "UPDATE job SET attempts = attempts + 1, worker = $1,"
          + " lease_until = now() + make_interval(secs => $2)"
          + " WHERE id = (SELECT id FROM job WHERE queue = $3 AND status = 'ready'"
          + " AND run_at <= now() AND (lease_until IS NULL OR lease_until < now())"
          + " ORDER BY run_at FOR UPDATE SKIP LOCKED LIMIT 1)"
          + " RETURNING id, queue, tenant_id, payload::text AS payload, attempts";
  static final String RENEW =
      "UPDATE job SET lease_until = now() + make_interval(secs => $3)"
          + " WHERE id = $1 AND worker = $2 AND status = 'ready'";
  static final String DONE = "DELETE FROM job WHERE id = $1 AND worker = $2";
  static final String LATER =
      "UPDATE job SET run_at = now() + make_interval(secs => $3), worker = NULL,"
          + " lease_until = NULL, last_error = $4 WHERE id = $1 AND worker = $2";
  static final String DEAD =
      "UPDATE job SET status = 'dead', worker = NULL, lease_until = NULL, last_error = $3"
          + " WHERE id = $1 AND worker = $2";

  private final Pool pool;

  public JobQueue(Pool pool) {
    this.pool = pool;
  }

  /**
   * Adds a job, in the caller's transaction when {@code client} is one (so that the job exists
   * exactly when the change that needs it commits).
   */
  public static Uni<UUID> enqueue(
      SqlClient client, String queue, UUID tenantId, String payload, Duration delay) {
    UUID id = UUID.randomUUID();
    return client
        .preparedQuery(INSERT)
        .execute(Tuple.of(id, queue, tenantId, payload, seconds(delay)))
        .replaceWith(id);
  }

  /** The oldest ready job of the queue, now leased to the worker; empty when none is ready. */
  public Uni<Optional<Job>> claim(String queue, String worker, Duration lease) {
    return run(CLAIM, Tuple.of(worker, seconds(lease), queue))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<Job>empty()
                    : Optional.of(job(rows.iterator().next())));
  }

  /** Extends the worker's lease; false when the job is no longer the worker's. */
  public Uni<Boolean> renew(Job job, String worker, Duration lease) {
    return run(RENEW, Tuple.of(job.id(), worker, seconds(lease))).map(rows -> rows.rowCount() == 1);
  }

  /** The job is done: it is removed. False when it was no longer the worker's. */
  public Uni<Boolean> done(Job job, String worker) {
    return run(DONE, Tuple.of(job.id(), worker)).map(rows -> rows.rowCount() == 1);
  }

  /** The attempt failed: the job is ready again after the delay. */
  public Uni<Boolean> later(Job job, String worker, Duration delay, String error) {
    return run(LATER, Tuple.of(job.id(), worker, seconds(delay), error))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The last attempt failed: the job stays, dead, with its error. */
  public Uni<Boolean> dead(Job job, String worker, String error) {
    return run(DEAD, Tuple.of(job.id(), worker, error)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Runs the statement on a connection of the pool. Not {@code pool.preparedQuery(...)}: a query
   * run on the pool itself leaves a timer behind when it cannot get a connection (the database is
   * away), which reports "Result is already complete" to Vert.x when the pool's connection timeout
   * ends (vertx-sql-client #1706).
   */
  private Uni<RowSet<Row>> run(String sql, Tuple args) {
    return Pools.withConnection(pool, connection -> connection.preparedQuery(sql).execute(args));
  }

  private static Job job(Row row) {
    return new Job(
        row.getUUID("id"),
        row.getString("queue"),
        row.getUUID("tenant_id"),
        row.getString("payload"),
        row.getInteger("attempts"));
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
