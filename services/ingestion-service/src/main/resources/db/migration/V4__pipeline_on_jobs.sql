-- The pipeline's jobs move onto libs/jobs' queue (table job, from db/jobs/V0_3__job.sql, queue
-- 'ingest', payload {"documentId": ...}); what is in ingest_job moves along, claims included, and
-- ingest_job goes. A job no longer disappears with its document: a worker that finds the document
-- gone settles the job.
INSERT INTO job (id, queue, tenant_id, payload, attempts, worker, lease_until, run_at, created_at)
SELECT gen_random_uuid(), 'ingest', tenant_id, jsonb_build_object('documentId', document_id),
       attempts, worker, lease_until, created_at, created_at
  FROM ingest_job;
DROP TABLE ingest_job;
