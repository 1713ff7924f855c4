-- ingestion-service: first tables of its own schema (ingestion_service).
CREATE TABLE collection (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE document (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    collection_id uuid        NOT NULL REFERENCES collection (id),
    title         text        NOT NULL,
    status        text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_tenant_idx ON document (tenant_id, created_at DESC);
