-- A workflow with a webhook trigger (issue 15) is started by signed calls to its URL: its Standard
-- Webhooks secret, sealed with the deployment's encryption key (AES-256-GCM, bound to the tenant).
ALTER TABLE workflow ADD COLUMN webhook_secret text;
