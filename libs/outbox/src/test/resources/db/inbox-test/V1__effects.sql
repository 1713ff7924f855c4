-- The effect that InboxTest's consumer applies, once per event.
CREATE TABLE effect (event_id text PRIMARY KEY, consumer text NOT NULL);
CREATE TABLE effect_total (consumer text PRIMARY KEY, n int NOT NULL);
