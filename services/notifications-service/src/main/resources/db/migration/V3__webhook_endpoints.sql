-- Partner webhooks: the endpoints a tenant's admins register. The signing secret is kept encrypted
-- (libs/security SecretCipher, bound to the tenant); during a rotation the previous secret signs
-- too until previous_secret_expires_at.
CREATE TABLE webhook_endpoint (
    id                          uuid        PRIMARY KEY,
    tenant_id                   uuid        NOT NULL,
    url                         text        NOT NULL,
    description                 text,
    -- the event types delivered, {"types": ["io.smbcopilot.document.indexed.v1", ...]} (an object:
    -- Hibernate Reactive binds JSON as an object, not an array); an empty list: every type
    event_types                 jsonb       NOT NULL DEFAULT '{"types": []}',
    enabled                     boolean     NOT NULL DEFAULT true,
    disabled_reason             text,
    secret_encrypted            text        NOT NULL,
    previous_secret_encrypted   text,
    previous_secret_expires_at  timestamptz,
    created_by                  text        NOT NULL,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);
CREATE INDEX webhook_endpoint_tenant_idx ON webhook_endpoint (tenant_id, created_at DESC, id);
