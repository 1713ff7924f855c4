-- workflow-worker: first tables of its own schema (workflow_worker).
CREATE TABLE workflow (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL,
    definition   jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workflow_run (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    workflow_id  uuid        NOT NULL REFERENCES workflow (id),
    status       text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX workflow_run_tenant_idx ON workflow_run (tenant_id, started_at DESC);
