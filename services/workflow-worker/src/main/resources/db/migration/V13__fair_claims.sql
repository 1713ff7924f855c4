-- The fair claim of libs/jobs (JobQueue.CLAIM_FAIR), which the workflow steps' queue uses: the
-- tenants with jobs are found by a loose index scan (one probe per tenant, however many jobs each
-- has queued) and each one's oldest ready jobs read from the same index; the jobs in flight come
-- from the leased rows, few at any time.
CREATE INDEX job_tenant_ready_idx ON job (queue, tenant_id, run_at) WHERE status = 'ready';
CREATE INDEX job_leased_idx ON job (queue, tenant_id) WHERE lease_until IS NOT NULL;
