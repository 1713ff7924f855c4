-- Shipped by libs/outbox; every service that emits or consumes events has these two tables in its
-- own schema. Flyway picks this file up through quarkus.flyway.locations=db/migration,db/outbox.

-- Events written in the same transaction as the state change they describe; the relay publishes
-- them to Kafka and deletes them.
CREATE TABLE outbox_event (
    id            text        PRIMARY KEY,
    seq           bigserial   NOT NULL,
    topic         text        NOT NULL,
    tenant_id     text        NOT NULL,
    type          text        NOT NULL,
    source        text        NOT NULL,
    subject       text,
    occurred_at   timestamptz NOT NULL,
    data          jsonb       NOT NULL,
    traceparent   text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_event_seq_idx ON outbox_event (seq);

-- Event ids a consumer has applied, recorded in the same transaction as the effect: a redelivered
-- event finds its id here and changes nothing.
CREATE TABLE inbox_event (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    event_type    text        NOT NULL,
    tenant_id     text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_event_processed_at_idx ON inbox_event (processed_at);
