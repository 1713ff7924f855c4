-- A person's own export (issue 18): an export with a subject holds only that person's data; a
-- tenant's has none. One export of the business, and one of each person, is built at a time.
ALTER TABLE tenant_export ADD COLUMN subject text;
DROP INDEX tenant_export_building_uq;
CREATE UNIQUE INDEX tenant_export_building_uq ON tenant_export (tenant_id, coalesce(subject, ''))
    WHERE status = 'building';
