-- Shipped by libs/outbox. Every insert into the outbox wakes the relays of this schema at commit
-- (NOTIFY is delivered when the transaction commits, never for one that rolls back), so an event
-- waits for its relay's next poll only when the notification is missed.
CREATE FUNCTION outbox_event_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_event_wake AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_wake();
