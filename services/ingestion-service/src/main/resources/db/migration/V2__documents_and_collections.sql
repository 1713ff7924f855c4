-- Collections with read/write restrictions, documents with their originals (in chunks of at most
-- 1 MiB, so neither upload nor download holds a whole file in memory).
ALTER TABLE collection ADD COLUMN description text NOT NULL DEFAULT '';
-- Empty lists: everyone of the tenant with documents:read (documents:write) may read (write).
ALTER TABLE collection ADD COLUMN read_roles  text[] NOT NULL DEFAULT '{}';
ALTER TABLE collection ADD COLUMN read_users  text[] NOT NULL DEFAULT '{}';
ALTER TABLE collection ADD COLUMN write_roles text[] NOT NULL DEFAULT '{}';
ALTER TABLE collection ADD COLUMN write_users text[] NOT NULL DEFAULT '{}';
ALTER TABLE collection ADD COLUMN created_by  text;

ALTER TABLE document ADD COLUMN file_name    text        NOT NULL DEFAULT '';
ALTER TABLE document ADD COLUMN media_type   text        NOT NULL DEFAULT 'application/octet-stream';
ALTER TABLE document ADD COLUMN size_bytes   bigint      NOT NULL DEFAULT 0;
ALTER TABLE document ADD COLUMN sha256       text        NOT NULL DEFAULT '';
ALTER TABLE document ADD COLUMN tags         text[]      NOT NULL DEFAULT '{}';
ALTER TABLE document ADD COLUMN created_by   text;
ALTER TABLE document ADD COLUMN error        text;
ALTER TABLE document ADD COLUMN chunks_done  integer     NOT NULL DEFAULT 0;
ALTER TABLE document ADD COLUMN chunks_total integer     NOT NULL DEFAULT 0;
ALTER TABLE document ADD COLUMN pages        integer;
ALTER TABLE document ADD COLUMN updated_at   timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX document_same_bytes_uq ON document (tenant_id, collection_id, sha256);
CREATE INDEX document_collection_idx ON document (tenant_id, collection_id, created_at DESC);

CREATE TABLE document_blob (
    document_id  uuid    NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    bytes        bytea   NOT NULL,
    PRIMARY KEY (document_id, seq)
);
