-- The daily retention job (app/privacy/retention.server.ts) finds what has expired through these
-- small partial indexes instead of scanning the tables: final orders whose snapshot is still
-- held, and deliveries that carry no order (rejected or unreadable bodies, other topics, and
-- what customers/redact scans for the email of a customer, shop by shop).
-- Keyed on last_attempt_at (the start of the attempt that made the order final), not updated_at:
-- every write bumps updated_at, and an index on it would take HOT updates from the sync.
CREATE INDEX "order_sync_snapshot_retention_idx" ON "order_sync" ("last_attempt_at")
  WHERE "status" IN ('synced', 'skipped') AND "payload" <> '{}'::jsonb;

CREATE INDEX "webhook_delivery_orderless_idx" ON "webhook_delivery" ("shop", "received_at")
  WHERE "order_id" IS NULL;
