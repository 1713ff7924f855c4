-- Tenants, memberships, roles, invitations, API keys and the audit log.

ALTER TABLE tenant ADD COLUMN plan text NOT NULL DEFAULT 'free';

-- One person belongs to one tenant (decision: docs/decisions/0002-identity.md).
ALTER TABLE membership ADD COLUMN email text NOT NULL DEFAULT '';
ALTER TABLE membership ADD COLUMN display_name text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX membership_one_tenant_per_user ON membership (user_id);
CREATE UNIQUE INDEX membership_email_uq ON membership (lower(email)) WHERE email <> '';

-- Built-in roles have no tenant; custom roles belong to one.
CREATE TABLE role (
    tenant_id    uuid        REFERENCES tenant (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    permissions  text[]      NOT NULL,
    builtin      boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_name_uq
    ON role (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name);

INSERT INTO role (tenant_id, name, description, permissions, builtin) VALUES
 (NULL, 'owner', 'Everything, including the tenant itself',
  ARRAY['documents:read','documents:write','search','copilot:ask','workflows:read','workflows:run',
        'workflows:manage','notifications:read','webhooks:manage','members:manage','api-keys:manage',
        'audit:read','tenant:manage'], true),
 (NULL, 'admin', 'Everything but the tenant itself',
  ARRAY['documents:read','documents:write','search','copilot:ask','workflows:read','workflows:run',
        'workflows:manage','notifications:read','webhooks:manage','members:manage','api-keys:manage',
        'audit:read'], true),
 (NULL, 'member', 'Works with documents, the copilot and workflows',
  ARRAY['documents:read','documents:write','search','copilot:ask','workflows:read','workflows:run',
        'notifications:read'], true),
 (NULL, 'viewer', 'Reads and asks, changes nothing',
  ARRAY['documents:read','search','copilot:ask','workflows:read','notifications:read'], true);

CREATE TABLE invitation (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    email        text        NOT NULL,
    role         text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    invited_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  text
);
CREATE INDEX invitation_tenant_idx ON invitation (tenant_id);

CREATE TABLE api_key (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    prefix       text        NOT NULL UNIQUE,
    secret_hash  bytea       NOT NULL,
    scopes       text[]      NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   text
);
CREATE INDEX api_key_tenant_idx ON api_key (tenant_id, created_at DESC);

-- Append-only: no foreign key (it outlives what it names), and no UPDATE or DELETE.
CREATE TABLE audit_event (
    seq          bigserial   PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE,
    tenant_id    uuid        NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id     text        NOT NULL,
    actor_type   text        NOT NULL,
    action       text        NOT NULL,
    target_type  text        NOT NULL,
    target_id    text,
    result       text        NOT NULL,
    ip           text,
    request_id   text,
    details      jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_tenant_idx ON audit_event (tenant_id, seq DESC);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
