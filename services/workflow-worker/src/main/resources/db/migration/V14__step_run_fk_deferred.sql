-- A run started with local steps keeps their results and then inserts itself, once, in its final
-- state (RunEngine.start): the step results' reference to the run is checked when the transaction
-- commits, not at each insert.
ALTER TABLE step_run ALTER CONSTRAINT step_run_run_id_fkey DEFERRABLE INITIALLY DEFERRED;
