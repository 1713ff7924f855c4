-- The feed's order for the live stream: each notification's place in one sequence, the SSE event id
-- a client resumes from (Last-Event-ID). A new row tells every replica that listens which feed grew.
ALTER TABLE notification ADD COLUMN seq bigserial;
CREATE UNIQUE INDEX notification_seq_idx ON notification (tenant_id, user_id, seq);
CREATE INDEX notification_unread_idx ON notification (tenant_id, user_id) WHERE read_at IS NULL;

CREATE FUNCTION notification_feed_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('feed_' || TG_TABLE_SCHEMA, NEW.tenant_id::text || ' ' || NEW.user_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notification_feed_notify AFTER INSERT ON notification
    FOR EACH ROW EXECUTE FUNCTION notification_feed_notify();
