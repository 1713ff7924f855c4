-- What starts each enabled workflow (issue 15), kept in step with its current version: a schedule's
-- next fire time, an event trigger's event and filters. A schedule's due row is claimed with
-- FOR UPDATE SKIP LOCKED, its runs started and its next fire time set in one transaction, so each
-- fire time starts one run across replicas (a fire time's run also has the idempotency key
-- schedule/<time>, unique per workflow).
CREATE TABLE workflow_trigger (
    workflow_id   uuid        PRIMARY KEY REFERENCES workflow (id),
    tenant_id     uuid        NOT NULL,
    version       integer     NOT NULL,
    type          text        NOT NULL CHECK (type IN ('schedule', 'event', 'webhook')),
    event_type    text,
    collection    text,
    tag           text,
    media_type    text,
    next_fire_at  timestamptz,
    skipped       bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_trigger_due_idx ON workflow_trigger (next_fire_at) WHERE type = 'schedule';
CREATE INDEX workflow_trigger_event_idx ON workflow_trigger (tenant_id, event_type) WHERE type = 'event';

-- how each run was started: manual, schedule, event or webhook
ALTER TABLE workflow_run ADD COLUMN trigger_type text NOT NULL DEFAULT 'manual';
