-- Evaluations of the copilot: a set of questions with the facts their answers must hold (and
-- questions that must be refused), run through the ask path; the totals and each question's result
-- are kept so a settings change can be compared with the last run.
CREATE TABLE evaluation (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    user_id     text        NOT NULL,
    name        text,
    answerer    text        NOT NULL,
    model       text,
    totals      jsonb       NOT NULL,
    results     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluation_tenant_idx ON evaluation (tenant_id, created_at DESC, id DESC);
