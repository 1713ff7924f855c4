-- Retries of a step (issue 15): a step that failed and will be tried again is 'retrying', with the
-- attempts made so far and the last error and its code; a failed run resumed from its failed step
-- counts its attempts from retry_base (each resume gets the step's whole retry policy again).
ALTER TABLE step_run DROP CONSTRAINT step_run_status_check;
ALTER TABLE step_run ADD CONSTRAINT step_run_status_check
    CHECK (status IN ('succeeded', 'failed', 'retrying'));
ALTER TABLE step_run ADD COLUMN error_code text;
ALTER TABLE step_run ADD COLUMN retry_base integer NOT NULL DEFAULT 0;
-- when the run's next attempt of the step is due (retrying), for the history
ALTER TABLE step_run ADD COLUMN next_attempt_at timestamptz;
