-- The attempt lease, renewed by the heartbeat of the worker holding the claim, and the time
-- customers/redact last erased the order (an attempt that began before it writes nothing more).
ALTER TABLE "order_sync" ADD COLUMN "lease_renewed_at" TIMESTAMPTZ(3), ADD COLUMN "redacted_at" TIMESTAMPTZ(3);

-- The heartbeat renews the leases of its workers every 15 seconds: found without a scan.
CREATE INDEX "order_sync_claimed_by_syncing_idx" ON "order_sync" ("claimed_by") WHERE "status" = 'syncing';
