-- CreateTable
CREATE TABLE "shop_settings" (
    "shop" TEXT NOT NULL,
    "invoice_prefix" TEXT NOT NULL DEFAULT 'SHOP-',
    "due_offset_days" INTEGER NOT NULL DEFAULT 0,
    "client_strategy" TEXT NOT NULL DEFAULT 'per_customer',
    "fallback_client_name" TEXT NOT NULL DEFAULT 'Shopify customers',
    "record_payments" BOOLEAN NOT NULL DEFAULT true,
    "email_invoices" BOOLEAN NOT NULL DEFAULT false,
    "uninstalled_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shop_settings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_sync" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "order_name" TEXT NOT NULL,
    "order_number" INTEGER,
    "processed_at" TIMESTAMPTZ(3),
    "customer_name" TEXT,
    "customer_email" TEXT,
    "total_price" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_attempt_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "invoice_number" TEXT,
    "invoice_intent_at" TIMESTAMPTZ(3),
    "freshbooks_account_id" TEXT,
    "freshbooks_client_id" INTEGER,
    "freshbooks_invoice_id" INTEGER,
    "freshbooks_total" TEXT,
    "difference" TEXT,
    "payment_id" INTEGER,
    "email_requested_at" TIMESTAMPTZ(3),
    "mapped_invoice" JSONB,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_sync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_attempt" (
    "id" BIGSERIAL NOT NULL,
    "order_sync_id" BIGINT NOT NULL,
    "shop" TEXT NOT NULL,
    "job_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" TEXT NOT NULL,
    "message" TEXT,

    CONSTRAINT "sync_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "client_mapping" (
    "shop" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "customer_key" TEXT NOT NULL,
    "freshbooks_client_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "client_mapping_pkey" PRIMARY KEY ("shop","account_id","customer_key")
);

-- CreateTable
CREATE TABLE "compliance_request" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "export_data" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "compliance_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_delivery_shop_received_at_idx" ON "webhook_delivery"("shop", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_shop_webhook_id_key" ON "webhook_delivery"("shop", "webhook_id");

-- CreateIndex
CREATE INDEX "order_sync_shop_created_at_id_idx" ON "order_sync"("shop", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "order_sync_shop_status_created_at_id_idx" ON "order_sync"("shop", "status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "order_sync_shop_order_id_key" ON "order_sync"("shop", "order_id");

-- CreateIndex
CREATE INDEX "sync_attempt_order_sync_id_started_at_idx" ON "sync_attempt"("order_sync_id", "started_at");

-- CreateIndex
CREATE INDEX "sync_attempt_shop_started_at_idx" ON "sync_attempt"("shop", "started_at");

-- CreateIndex
CREATE INDEX "compliance_request_shop_received_at_idx" ON "compliance_request"("shop", "received_at");

-- AddForeignKey
ALTER TABLE "sync_attempt" ADD CONSTRAINT "sync_attempt_order_sync_id_fkey" FOREIGN KEY ("order_sync_id") REFERENCES "order_sync"("id") ON DELETE CASCADE ON UPDATE CASCADE;
