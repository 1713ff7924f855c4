-- Workflows: a definition per tenant, each change a new version (a run keeps the version it
-- started with, so versions are never changed or removed while the workflow exists). A workflow
-- runs with the permissions of its owner, as they are when each step runs. Deleting keeps the row
-- (deleted_at) so past runs still name what they ran.
--
-- V1 made placeholder tables workflow and workflow_run that no code ever wrote: they are replaced
-- (runs come back with the durable run engine).
DROP TABLE workflow_run;
DROP TABLE workflow;

CREATE TABLE workflow (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL,
    description  text,
    enabled      boolean     NOT NULL DEFAULT true,
    version      integer     NOT NULL,
    owner_id     text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE INDEX workflow_tenant_idx ON workflow (tenant_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE workflow_version (
    workflow_id  uuid        NOT NULL REFERENCES workflow (id),
    version      integer     NOT NULL,
    tenant_id    uuid        NOT NULL,
    definition   jsonb       NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, version)
);
