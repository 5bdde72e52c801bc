-- /healthz's "orders failed in the last hour": a range scan of a small partial index instead of a
-- sequential scan of every order (983 ms on a million rows).
CREATE INDEX "order_sync_failed_updated_at_idx" ON "order_sync" ("updated_at") WHERE "status" = 'failed';
