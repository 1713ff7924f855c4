-- Shipped by libs/outbox (issue 18): the tenants this service erased, by the SHA-256 of their id
-- (never the id itself): an event of an erased tenant that comes later is not applied (Inbox).
CREATE TABLE erased_tenant (
    digest     text        PRIMARY KEY,
    erased_at  timestamptz NOT NULL
);
