-- Import past orders through a bulk query (docs/shopify-admin-api.md §9): the operation it
-- started, how many it has started, and when its file was staged; the file's lines wait in
-- order_import_line until their order is queued (then they are deleted).
ALTER TABLE "order_import" ADD COLUMN "bulk_operation_id" TEXT;
ALTER TABLE "order_import" ADD COLUMN "bulk_attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "order_import" ADD COLUMN "staged_at" TIMESTAMPTZ(3);

CREATE TABLE "order_import_line" (
    "import_id" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "gid" TEXT,
    "parent_gid" TEXT,
    "body" JSONB NOT NULL,
    CONSTRAINT "order_import_line_pkey" PRIMARY KEY ("import_id","seq"),
    CONSTRAINT "order_import_line_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "order_import"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "order_import_line_import_id_parent_gid_idx" ON "order_import_line"("import_id", "parent_gid");
