-- A notification may link somewhere in the dashboard; the event it came from is remembered.
ALTER TABLE notification ADD COLUMN link text;
ALTER TABLE notification ADD COLUMN source_event_id text;
