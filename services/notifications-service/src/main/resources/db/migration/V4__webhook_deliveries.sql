-- One message per event and endpoint; its id is the webhook-id every attempt carries. The body is
-- kept as it was signed, so a retry or a redelivery sends the same bytes.
CREATE TABLE webhook_message (
    id            text        PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    endpoint_id   uuid        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    event_id      text,
    event_type    text        NOT NULL,
    body          text        NOT NULL,
    -- pending (attempts to come), delivered, failed (the schedule ran out or the endpoint is gone)
    status        text        NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_message_endpoint_idx ON webhook_message (tenant_id, endpoint_id, created_at DESC, id);

-- Every attempt: when, the status (null when no answer came), how long, the answer's first 4 KB.
CREATE TABLE webhook_attempt (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    message_id    text        NOT NULL REFERENCES webhook_message (id) ON DELETE CASCADE,
    attempted_at  timestamptz NOT NULL,
    status_code   integer,
    duration_ms   integer     NOT NULL,
    response      text,
    error         text
);
CREATE INDEX webhook_attempt_message_idx ON webhook_attempt (message_id, attempted_at);
