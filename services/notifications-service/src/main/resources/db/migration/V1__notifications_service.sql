-- notifications-service: first tables of its own schema (notifications_service).
CREATE TABLE notification (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    user_id      text        NOT NULL,
    kind         text        NOT NULL,
    title        text        NOT NULL,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz
);
CREATE INDEX notification_feed_idx ON notification (tenant_id, user_id, created_at DESC);
