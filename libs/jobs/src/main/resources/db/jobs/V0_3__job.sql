-- Shipped by libs/jobs: the lease-based job queue of a service, in its own schema. A service that
-- runs jobs adds db/jobs to quarkus.flyway.locations.
--
-- A job is ready when run_at has come and nobody holds an unexpired lease on it. A worker claims
-- it (FOR UPDATE SKIP LOCKED, so two workers never take the same job), counting an attempt and
-- taking a lease that it renews while it works; a worker that dies lets its lease run out and the
-- job is claimed again. Done jobs are deleted; a job that failed its last attempt stays, 'dead',
-- with its error, for an operator to look at or retry.
CREATE TABLE job (
    id           uuid        PRIMARY KEY,
    queue        text        NOT NULL,
    tenant_id    uuid        NOT NULL,
    payload      jsonb       NOT NULL,
    status       text        NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'dead')),
    attempts     integer     NOT NULL DEFAULT 0,
    run_at       timestamptz NOT NULL DEFAULT now(),
    worker       text,
    lease_until  timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_ready_idx ON job (queue, run_at) WHERE status = 'ready';
