-- Deliveries signed by Shopify that we could not read (not JSON, or not the shape of their topic).
-- They are answered 400 and kept here, raw body and all, so nothing Shopify sent is lost and the
-- sync log can say so. What could be read of them (the order id, the customer's email) is kept in
-- columns so that customers/redact and shop/redact reach them without parsing the body.
CREATE TABLE "rejected_delivery" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "order_id" TEXT,
    "customer_email" TEXT,

    CONSTRAINT "rejected_delivery_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "rejected_delivery_shop_webhook_id_key" ON "rejected_delivery"("shop", "webhook_id");
CREATE INDEX "rejected_delivery_shop_received_at_idx" ON "rejected_delivery"("shop", "received_at");
CREATE INDEX "rejected_delivery_shop_order_id_idx" ON "rejected_delivery"("shop", "order_id");
CREATE INDEX "rejected_delivery_shop_customer_email_idx" ON "rejected_delivery"("shop", "customer_email");
