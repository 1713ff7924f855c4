-- Each tenant's retention (issue 18): what is older than so many days is deleted by the services'
-- sweeps; null keeps it. auth-service owns the settings and tells them (retention-changed events).
CREATE TABLE tenant_retention (
    tenant_id           uuid        PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
    conversations_days  integer     CHECK (conversations_days BETWEEN 1 AND 3650),
    runs_days           integer     CHECK (runs_days BETWEEN 1 AND 3650),
    notifications_days  integer     CHECK (notifications_days BETWEEN 1 AND 3650),
    deliveries_days     integer     CHECK (deliveries_days BETWEEN 1 AND 3650),
    audit_log_days      integer     CHECK (audit_log_days BETWEEN 1 AND 3650),
    updated_at          timestamptz NOT NULL,
    updated_by          text        NOT NULL
);

-- The audit log stays append-only, but for its retention: a transaction that said it is the
-- retention sweep (set_config('copilot.retention', 'on', true)) may delete entries. Nothing may
-- change one, and nothing may truncate the table.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('copilot.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;

CREATE INDEX audit_event_age_idx ON audit_event (tenant_id, occurred_at);
