-- Roles get a surrogate key: a built-in role has no tenant, so (tenant_id, name) cannot be the
-- primary key Hibernate needs. role_name_uq still keeps names unique per tenant.
ALTER TABLE role ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE role ADD CONSTRAINT role_pkey PRIMARY KEY (id);
