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

  /**
   * The fair claim: tenants at their limit of jobs in flight ({@code $4}) are skipped, and among
   * the others the one with the fewest in flight goes first, then the oldest job. The tenants come
   * from a loose index scan ({@code job_tenant_ready_idx}: one probe per tenant with jobs, however
   * many each has queued), each tenant's oldest ready jobs ({@code $5}, enough for the workers
   * claiming at the same moment) from the same index, the jobs in flight from the leased rows
   * ({@code job_leased_idx}). The limit is soft: workers claiming at the same instant may each see
   * a tenant one below it.
   */
  static final String CLAIM_FAIR =
      "WITH RECURSIVE tenants(tenant_id) AS ("
          + " (SELECT tenant_id FROM job WHERE queue = $3 AND status = 'ready'"
          + " ORDER BY tenant_id LIMIT 1)"
          + " UNION ALL SELECT (SELECT j.tenant_id FROM job j WHERE j.queue = $3"
          + " AND j.status = 'ready' AND j.tenant_id > t.tenant_id ORDER BY j.tenant_id LIMIT 1)"
          + " FROM tenants t WHERE t.tenant_id IS NOT NULL),"
          + " busy AS (SELECT tenant_id, count(*) AS n FROM job WHERE queue = $3"
          + " AND lease_until IS NOT NULL AND lease_until > now() GROUP BY tenant_id),"
          + " candidates AS (SELECT c.id, coalesce(b.n, 0) AS n, c.run_at FROM tenants t"
          + " LEFT JOIN busy b ON b.tenant_id = t.tenant_id"
          + " CROSS JOIN LATERAL (SELECT j.id, j.run_at FROM job j WHERE j.queue = $3"
          + " AND j.tenant_id = t.tenant_id AND j.status = 'ready' AND j.run_at <= now()"
          + " AND (j.lease_until IS NULL OR j.lease_until < now()) ORDER BY j.run_at LIMIT $5) c"
          + " WHERE t.tenant_id IS NOT NULL AND coalesce(b.n, 0) < $4)"
          + " UPDATE job SET attempts = attempts + 1, worker = $1,"
          + " lease_until = now() + make_interval(secs => $2)"
          + " WHERE id = (SELECT j.id FROM job j JOIN candidates c ON c.id = j.id"
          + " WHERE j.status = 'ready' AND (j.lease_until IS NULL OR j.lease_until < now())"
          + " ORDER BY c.n, c.run_at FOR UPDATE OF j SKIP LOCKED LIMIT 1)"
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

  /**
   * The next job of the queue for a tenant below {@code perTenant} jobs in flight (see {@link
   * #CLAIM_FAIR}), now leased to the worker; empty when none is ready or every tenant with ready
   * jobs is at its limit. {@code candidates}: how many of each tenant's oldest jobs are considered
   * (at least the number of workers that may claim at once).
   */
  public Uni<Optional<Job>> claimFair(
      String queue, String worker, Duration lease, int perTenant, int candidates) {
    return run(CLAIM_FAIR, Tuple.of(worker, seconds(lease), queue, perTenant, candidates))
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
