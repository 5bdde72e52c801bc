-- One retry budget per cause (429s vs transient failures), kept per order, and the time each
-- connected FreshBooks account next accepts requests, shared by all of its orders.
ALTER TABLE "order_sync" ADD COLUMN "rate_limited_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "transient_failures" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "freshbooks_rate_limit" (
    "shop" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "strikes" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "freshbooks_rate_limit_pkey" PRIMARY KEY ("shop","account_id")
);
