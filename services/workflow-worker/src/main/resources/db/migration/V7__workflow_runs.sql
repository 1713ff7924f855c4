-- Workflow runs and their steps. A run keeps the version it started with; each step's result is
-- kept (checkpointed) in the same transaction that queues the next step, so a worker that dies
-- leaves every finished step finished: the step's job is claimed again by another worker, which
-- finds the step done or runs it. An Idempotency-Key makes a second start of the same run the
-- first one.
CREATE TABLE workflow_run (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    workflow_id      uuid        NOT NULL REFERENCES workflow (id),
    version          integer     NOT NULL,
    status           text        NOT NULL
                     CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'cancelled')),
    trigger_data     jsonb       NOT NULL,
    started_by       text        NOT NULL,
    idempotency_key  text,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    UNIQUE (tenant_id, workflow_id, idempotency_key)
);
CREATE INDEX workflow_run_workflow_idx ON workflow_run (tenant_id, workflow_id, created_at DESC, id DESC);

CREATE TABLE step_run (
    id           uuid        PRIMARY KEY,
    run_id       uuid        NOT NULL REFERENCES workflow_run (id) ON DELETE CASCADE,
    tenant_id    uuid        NOT NULL,
    seq          integer     NOT NULL,
    step_id      text        NOT NULL,
    type         text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
    attempts     integer     NOT NULL,
    input        jsonb,
    output       jsonb,
    error        text,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    UNIQUE (run_id, seq)
);
