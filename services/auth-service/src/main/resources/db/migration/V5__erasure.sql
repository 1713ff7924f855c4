-- A tenant's erasure (issue 18): its owner asks, with a grace period in which it can be cancelled;
-- when due, every service erases the tenant. What stays is only that an erasure happened: the
-- SHA-256 of the tenant's id (never the id, the name or a person), when it was asked and done.
ALTER TABLE tenant ADD COLUMN erasure_requested_at timestamptz;
ALTER TABLE tenant ADD COLUMN erasure_requested_by text;
ALTER TABLE tenant ADD COLUMN erasure_due_at timestamptz;
CREATE INDEX tenant_erasure_due_idx ON tenant (erasure_due_at) WHERE erasure_due_at IS NOT NULL;

CREATE TABLE tenant_erasure (
    id             uuid        PRIMARY KEY,
    tenant_digest  text        NOT NULL UNIQUE,
    requested_at   timestamptz NOT NULL,
    erased_at      timestamptz NOT NULL
);
