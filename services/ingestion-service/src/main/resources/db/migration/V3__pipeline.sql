-- The indexing pipeline: a job per document waiting for (or held by) a worker, and the document's
-- chunks with their location. A worker's claim is a lease: when it stops without finishing, the
-- lease runs out and another worker resumes the document from its last saved batch.
CREATE TABLE ingest_job (
    document_id  uuid        PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    tenant_id    uuid        NOT NULL,
    attempts     integer     NOT NULL DEFAULT 0,
    worker       text,
    lease_until  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_job_ready_idx ON ingest_job (created_at);

CREATE TABLE chunk (
    document_id  uuid    NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    tenant_id    uuid    NOT NULL,
    text         text    NOT NULL,
    tokens       integer NOT NULL,
    page         integer,
    sheet        text,
    headings     text[]  NOT NULL DEFAULT '{}',
    PRIMARY KEY (document_id, seq)
);
