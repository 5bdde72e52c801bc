-- The Admin API side (docs/decisions/0017): where each order came from, the completeness sweep
-- progress per shop, imports of past orders, and the order filters and write-back settings.

-- webhook | sweep (a webhook never delivered it) | import (Import past orders)
ALTER TABLE "order_sync" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'webhook';
ALTER TABLE "order_sync" ADD COLUMN "import_id" BIGINT;
-- Write-back of the invoice onto the Shopify order: when it was written, or why it was not.
ALTER TABLE "order_sync" ADD COLUMN "write_back_at" TIMESTAMPTZ(3);
ALTER TABLE "order_sync" ADD COLUMN "write_back_error" TEXT;
CREATE INDEX "order_sync_import_id_status_idx" ON "order_sync" ("import_id", "status") WHERE "import_id" IS NOT NULL;

CREATE TABLE "shop_sweep" (
    "shop" TEXT NOT NULL,
    -- Orders created before this were compared with what we received.
    "swept_until" TIMESTAMPTZ(3) NOT NULL,
    "last_run_at" TIMESTAMPTZ(3),
    "last_found" INTEGER NOT NULL DEFAULT 0,
    "found_total" INTEGER NOT NULL DEFAULT 0,
    -- First run of the current streak of runs that found orders no webhook delivered (null: the last found none).
    "missing_since" TIMESTAMPTZ(3),
    "missing_in_streak" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "shop_sweep_pkey" PRIMARY KEY ("shop")
);

CREATE TABLE "order_import" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "created_from" TIMESTAMPTZ(3) NOT NULL,
    "created_to" TIMESTAMPTZ(3) NOT NULL,
    -- running | paused | cancelled | done | failed
    "status" TEXT NOT NULL,
    "estimate" INTEGER,
    -- The cursor of the next page (null: from the start), the import resumes from it after a restart.
    "cursor" TEXT,
    "found" INTEGER NOT NULL DEFAULT 0,
    "already_known" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "order_import_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "order_import_shop_created_at_idx" ON "order_import" ("shop", "created_at" DESC);
-- At most one import under way per shop.
CREATE UNIQUE INDEX "order_import_one_active_per_shop" ON "order_import" ("shop") WHERE "status" IN ('running', 'paused');

CREATE TABLE "order_filter_settings" (
    "shop" TEXT NOT NULL,
    "skip_test_orders" BOOLEAN NOT NULL DEFAULT true,
    "skip_zero_total" BOOLEAN NOT NULL DEFAULT false,
    -- Sales channels sent (source_name: web, pos, shopify_draft_order, other), empty: all.
    "channels" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    -- Only orders with one of these tags (empty: any) / never orders with one of these.
    "include_tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "exclude_tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    -- Only orders in one of these financial statuses (empty: any).
    "financial_statuses" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "write_back" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "order_filter_settings_pkey" PRIMARY KEY ("shop")
);
