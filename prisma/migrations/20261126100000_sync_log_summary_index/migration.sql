-- The sync log's summary (counts by state and by day over a period) reads this index alone:
-- a range scan of the period's (created_at, status) entries of one shop, index-only.
-- CreateIndex
CREATE INDEX "order_sync_shop_created_at_status_idx" ON "order_sync"("shop", "created_at", "status");
