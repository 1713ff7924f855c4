-- auth-service: first tables of its own schema (auth_service).
CREATE TABLE tenant (
    id           uuid        PRIMARY KEY,
    name         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE membership (
    tenant_id    uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    user_id      text        NOT NULL,
    role         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX membership_user_idx ON membership (user_id);
