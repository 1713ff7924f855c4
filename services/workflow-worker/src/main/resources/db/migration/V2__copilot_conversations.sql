-- The copilot's conversations: each belongs to one user of one tenant (a member sees only their
-- own), with its messages in order; an assistant message keeps its citations and sources as they
-- were answered, in one JSON object {"citations": [...], "sources": [...]}.
CREATE TABLE conversation (
    id           uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    user_id      text        NOT NULL,
    title        text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_owner_idx ON conversation (tenant_id, user_id, updated_at DESC, id DESC);

CREATE TABLE message (
    id              uuid        PRIMARY KEY,
    conversation_id uuid        NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
    tenant_id       uuid        NOT NULL,
    seq             integer     NOT NULL,
    role            text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content         text        NOT NULL,
    answer          jsonb,
    abstained       boolean,
    answerer        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, seq)
);
