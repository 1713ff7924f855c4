-- api-gateway: first tables of its own schema (api_gateway).
-- Keys the gateway signs internal tokens with (ES256); every replica reads the same set.
CREATE TABLE signing_key (
    kid          text        PRIMARY KEY,
    algorithm    text        NOT NULL DEFAULT 'ES256',
    public_jwk   jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz
);
