-- Each bucket keeps its size and refill rate, so a bucket that is full again can be told and
-- deleted (RateBucketSweep): a full bucket and no bucket admit the same, and the keys name tenants
-- and API keys, which must not outlive them. Rows of an older replica (no size) go after an hour.
ALTER TABLE rate_bucket ADD COLUMN capacity double precision;
ALTER TABLE rate_bucket ADD COLUMN per_second double precision;
CREATE INDEX rate_bucket_refreshed_at_idx ON rate_bucket (refreshed_at);
