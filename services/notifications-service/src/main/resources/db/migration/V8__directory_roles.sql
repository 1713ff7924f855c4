-- The tenants' custom roles and the permissions each grants, projected from the identity events
-- (role-changed), so a kind can go to the tenant's owners and admins and to the members of any
-- custom role that grants the kind's permission (members:manage for who joined, ...).
CREATE TABLE directory_role (
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL,
    permissions  jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
