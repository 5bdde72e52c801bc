-- The payment FreshBooks recorded for the order (amount, date, type), for the order's page.
ALTER TABLE "order_sync" ADD COLUMN "recorded_payment" JSONB;
