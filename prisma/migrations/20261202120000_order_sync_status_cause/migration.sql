-- Why an order is where it is, as a code the pages group failures by and word in our own
-- sentence (status_cause), and FreshBooks' or OAuth's own text, shown under "Details" (status_detail).
ALTER TABLE "order_sync" ADD COLUMN "status_cause" TEXT;
ALTER TABLE "order_sync" ADD COLUMN "status_detail" TEXT;
