-- Order lifecycle events (docs/decisions/0016-order-lifecycle.md): one row per Shopify event of an
-- order after its creation, with what it wrote to FreshBooks.
CREATE TABLE "order_event" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "action" TEXT,
    "amount" TEXT,
    "currency" TEXT,
    "intent" JSONB,
    "intent_at" TIMESTAMPTZ(3),
    "freshbooks_id" INTEGER,
    "freshbooks_number" TEXT,
    "recorded_amount" TEXT,
    "credit_seq" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "transient_failures" INTEGER NOT NULL DEFAULT 0,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "order_event_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "order_event_shop_topic_event_key_key" ON "order_event"("shop", "topic", "event_key");
CREATE INDEX "order_event_shop_order_id_id_idx" ON "order_event"("shop", "order_id", "id");
CREATE INDEX "order_event_shop_status_idx" ON "order_event"("shop", "status");

-- Which lifecycle events sync (Settings), all on by default.
ALTER TABLE "shop_settings" ADD COLUMN "sync_later_payments" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "shop_settings" ADD COLUMN "sync_refunds" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "shop_settings" ADD COLUMN "sync_cancellations" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "shop_settings" ADD COLUMN "sync_edits" BOOLEAN NOT NULL DEFAULT true;
