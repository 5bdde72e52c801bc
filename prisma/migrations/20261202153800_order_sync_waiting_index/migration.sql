-- The sync log's backlog (orders due now, the oldest one's age, whether one changes within the
-- minute) from this small partial index alone, index-only: it read every waiting order's row
-- (20,000 of them on the bench's million-order shop) on each view of the first page.
CREATE INDEX "order_sync_waiting_idx" ON "order_sync" ("shop", "next_attempt_at", "created_at") INCLUDE ("status") WHERE "status" IN ('queued', 'syncing');
