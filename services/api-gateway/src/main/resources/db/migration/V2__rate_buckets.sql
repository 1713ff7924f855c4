-- Token buckets shared by every gateway replica. Replicas lease a few tokens at a time
-- (UPDATE ... RETURNING under a row lock), so a tenant's limit holds across replicas.
CREATE TABLE rate_bucket (
    bucket_key   text             PRIMARY KEY,
    tokens       double precision NOT NULL,
    refreshed_at timestamptz      NOT NULL
);
