-- A document's progress, live: every change of its status or progress, and its removal, tells
-- every replica that listens (channel documents_<schema>, payload "<tenant> <document>"); the
-- replicas push it to the dashboards that follow the tenant's documents.
CREATE FUNCTION document_changes_notify() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('documents_' || TG_TABLE_SCHEMA, OLD.tenant_id::text || ' ' || OLD.id::text);
    ELSE
        PERFORM pg_notify('documents_' || TG_TABLE_SCHEMA, NEW.tenant_id::text || ' ' || NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER document_changes_notify
    AFTER INSERT OR DELETE OR UPDATE OF status, chunks_done, chunks_total, collection_id, tags, title ON document
    FOR EACH ROW EXECUTE FUNCTION document_changes_notify();
