-- One row per answer: who asked, who answered with which model, the tokens (reported or
-- estimated), the time it took and its cost from the price table. Usage reports and the monthly
-- token budget read it.
CREATE TABLE usage_record (
    id               uuid          PRIMARY KEY,
    tenant_id        uuid          NOT NULL,
    user_id          text          NOT NULL,
    conversation_id  uuid,
    message_id       uuid,
    answerer         text          NOT NULL,
    provider         text          NOT NULL,
    model            text,
    input_tokens     bigint        NOT NULL,
    output_tokens    bigint        NOT NULL,
    estimated        boolean       NOT NULL,
    latency_ms       bigint        NOT NULL,
    cost             numeric(18,8) NOT NULL DEFAULT 0,
    created_at       timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX usage_record_tenant_idx ON usage_record (tenant_id, created_at);

-- The budget thresholds a tenant crossed in a month, each told once (80 and 100 percent).
CREATE TABLE budget_alert (
    tenant_id  uuid    NOT NULL,
    month      text    NOT NULL,
    percent    integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, month, percent)
);
