-- Approval steps (issue 15): the step waits ('waiting', the run too) for a decision through the API
-- or its timeout; nothing runs meanwhile (the timeout is a job due then).
ALTER TABLE step_run DROP CONSTRAINT step_run_status_check;
ALTER TABLE step_run ADD CONSTRAINT step_run_status_check
    CHECK (status IN ('succeeded', 'failed', 'retrying', 'waiting'));
-- the tenant's approvals waiting for a decision
CREATE INDEX step_run_waiting_idx ON step_run (tenant_id, started_at) WHERE status = 'waiting';
