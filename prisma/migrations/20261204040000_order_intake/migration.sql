-- The deferred intake (docs/decisions/0019): an orders/create delivery is stored with one small
-- row here, in the same statement, and answered 200; the intake recorder turns batches of these
-- rows into order_sync rows and their jobs (one graphile_worker.add_jobs per batch) and deletes
-- them. No foreign key: the hot path pays for no check, and shop/redact deletes these rows itself.
CREATE TABLE "order_intake" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "delivery_id" BIGINT NOT NULL,
    "order_id" TEXT NOT NULL,
    "order_name" TEXT NOT NULL,
    "order_number" INTEGER,
    "processed_at" TIMESTAMPTZ(3),
    "customer_name" TEXT,
    "customer_email" TEXT,
    "total_price" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_intake_pkey" PRIMARY KEY ("id")
);
