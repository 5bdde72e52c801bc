-- "Send to FreshBooks" on an order a filter skipped (a test order): the next attempt maps it
-- despite the filter. Off for every existing order.
ALTER TABLE "order_sync" ADD COLUMN "send_despite_filter" BOOLEAN NOT NULL DEFAULT false;
