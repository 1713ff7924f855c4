-- Who is who, projected from the identity events: tenants' names, members' addresses and roles
-- (notifications go to "the tenant's admins", mails need an address).
CREATE TABLE directory_tenant (
    tenant_id   uuid        PRIMARY KEY,
    name        text        NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE TABLE directory_member (
    tenant_id     uuid        NOT NULL,
    user_id       text        NOT NULL,
    email         text        NOT NULL,
    display_name  text,
    role          text        NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX directory_member_role_idx ON directory_member (tenant_id, role);

-- A user's choices: per kind, where it goes (a kind not named keeps its default), and the daily
-- digest (email notifications gathered into one mail at an hour of the user's time zone).
CREATE TABLE notification_preference (
    tenant_id       uuid        NOT NULL,
    user_id         text        NOT NULL,
    deliveries      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    digest_enabled  boolean     NOT NULL DEFAULT false,
    digest_hour     integer     NOT NULL DEFAULT 8 CHECK (digest_hour BETWEEN 0 AND 23),
    time_zone       text        NOT NULL DEFAULT 'UTC',
    digest_sent_on  date,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- Every mail: held for a digest, queued (a job of the "mail" queue sends it), sent, failed (refused
-- for good or out of retries), digested (gone out inside a digest), or cancelled (held for a digest
-- when its user unsubscribed).
CREATE TABLE mail_message (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    user_id          text,
    requested_by     text,
    to_address       text        NOT NULL,
    kind             text        NOT NULL,
    subject          text        NOT NULL,
    text_body        text        NOT NULL,
    html_body        text        NOT NULL,
    title            text,
    body             text,
    link             text,
    unsubscribe_url  text,
    -- an invitation's token, sealed (SecretCipher); put into the link only as the mail goes out
    sealed_secret    text,
    status           text        NOT NULL
        CHECK (status IN ('held', 'queued', 'sent', 'failed', 'digested', 'cancelled')),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    digest_id        uuid,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX mail_message_user_idx ON mail_message (tenant_id, user_id, created_at DESC);
CREATE INDEX mail_message_requested_idx ON mail_message (tenant_id, requested_by, created_at DESC);
CREATE INDEX mail_message_held_idx ON mail_message (tenant_id, user_id) WHERE status = 'held';
