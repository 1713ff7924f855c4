-- A tenant's exports (issue 18): asked by an owner, built in the background from every service's
-- part, kept as pieces of at most a MiB until they expire. The archive is the tenant's data, so
-- an erasure deletes it with the rest (tenant_id), and an export never contains an earlier one
-- (copilot.export.omit).
CREATE TABLE tenant_export (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    requested_by  text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('building', 'ready', 'failed', 'expired')),
    requested_at  timestamptz NOT NULL,
    finished_at   timestamptz,
    expires_at    timestamptz,
    size_bytes    bigint,
    sha256        text,
    contents      jsonb,
    error         text
);
CREATE INDEX tenant_export_tenant_idx ON tenant_export (tenant_id, requested_at DESC);
-- at most one export of a tenant is being built
CREATE UNIQUE INDEX tenant_export_building_uq ON tenant_export (tenant_id) WHERE status = 'building';

CREATE TABLE tenant_export_piece (
    export_id  uuid    NOT NULL REFERENCES tenant_export (id) ON DELETE CASCADE,
    tenant_id  uuid    NOT NULL,
    seq        integer NOT NULL,
    bytes      bytea   NOT NULL,
    PRIMARY KEY (export_id, seq)
);
