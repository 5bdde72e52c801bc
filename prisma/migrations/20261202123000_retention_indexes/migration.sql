-- The daily retention job (app/privacy/retention.server.ts) finds what has expired through these
-- small partial indexes instead of scanning the tables: final orders whose snapshot is still
-- held, and deliveries that carry no order (rejected or unreadable bodies, other topics).
CREATE INDEX "order_sync_snapshot_retention_idx" ON "order_sync" ("updated_at")
  WHERE "status" IN ('synced', 'skipped') AND "payload" <> '{}'::jsonb;

CREATE INDEX "webhook_delivery_orderless_retention_idx" ON "webhook_delivery" ("received_at")
  WHERE "order_id" IS NULL;
