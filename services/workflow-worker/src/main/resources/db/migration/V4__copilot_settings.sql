-- A tenant's own copilot provider, in place of the deployment's default. The provider's API key is
-- kept encrypted (AES-256-GCM with a key from the deployment's secret, the tenant id as associated
-- data), never returned.
CREATE TABLE copilot_settings (
    tenant_id          uuid        PRIMARY KEY,
    provider           text        NOT NULL CHECK (provider IN ('extractive', 'openai', 'anthropic')),
    base_url           text,
    model              text,
    api_key_encrypted  text,
    max_output_tokens  integer,
    updated_by         text        NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
