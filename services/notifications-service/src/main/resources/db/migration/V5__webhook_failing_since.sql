-- When the endpoint's deliveries began to fail without a success since; an endpoint failing for
-- copilot.webhooks.disable-after (five days) is disabled and its creator told.
ALTER TABLE webhook_endpoint ADD COLUMN failing_since timestamptz;
