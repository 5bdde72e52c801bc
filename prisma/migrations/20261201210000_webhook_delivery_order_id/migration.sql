-- The Shopify order a delivery carries, so customers/redact finds a customer's deliveries by index
-- instead of reading every payload of the shop. Earlier rows are filled in from their payload.
ALTER TABLE "webhook_delivery" ADD COLUMN "order_id" TEXT;

UPDATE "webhook_delivery" SET "order_id" = "payload"->>'id' WHERE "topic" IN ('orders/create', 'ORDERS_CREATE') AND "payload" ? 'id';

CREATE INDEX "webhook_delivery_shop_order_id_idx" ON "webhook_delivery"("shop", "order_id");
