-- A former member pseudonymised (issue 18): a transaction that said so
-- (set_config('copilot.pseudonymising', 'on', true)) may replace a person's id, address and the
-- address they came from in audit entries; nothing else of an entry may change. The retention
-- sweep still deletes; nothing may truncate.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('copilot.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('copilot.pseudonymising', true) = 'on'
        AND NEW.seq = OLD.seq AND NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id
        AND NEW.occurred_at = OLD.occurred_at AND NEW.actor_type = OLD.actor_type
        AND NEW.action = OLD.action AND NEW.target_type = OLD.target_type
        AND NEW.result = OLD.result AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
