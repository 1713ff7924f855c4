-- Who is a member of which tenant, as the identity events tell it (issue 15): each step of a
-- workflow run checks that the workflow's owner was not removed from the tenant.
CREATE TABLE directory_member (
    tenant_id   uuid        NOT NULL,
    user_id     text        NOT NULL,
    role        text,
    removed     boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
