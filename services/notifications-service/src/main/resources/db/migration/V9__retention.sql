-- Each tenant's retention (issue 18), as the retention-changed events tell it (auth-service owns
-- the settings): days each kind of data is kept, null for ever. The retention sweep deletes this
-- service's own kinds past them (libs/outbox Retention).
CREATE TABLE retention_policy (
    tenant_id           uuid        PRIMARY KEY,
    conversations_days  integer,
    runs_days           integer,
    notifications_days  integer,
    deliveries_days     integer,
    audit_log_days      integer,
    updated_at          timestamptz NOT NULL
);

CREATE INDEX notification_age_idx ON notification (tenant_id, created_at);
CREATE INDEX webhook_message_age_idx ON webhook_message (tenant_id, updated_at) WHERE status <> 'pending';
CREATE INDEX mail_message_age_idx ON mail_message (tenant_id, updated_at);
