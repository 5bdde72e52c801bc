-- What Settings lists about each data request, as columns, so the page no longer reads every
-- export in full to count its orders. Generated from the export itself: always in step with it
-- (filled in for earlier rows, and null once customers/redact erases the export).
ALTER TABLE "compliance_request"
  ADD COLUMN "customer_email" TEXT GENERATED ALWAYS AS ("export_data" -> 'customer' ->> 'email') STORED,
  ADD COLUMN "order_count" INTEGER GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof("export_data" -> 'orders') = 'array' THEN jsonb_array_length("export_data" -> 'orders') END
  ) STORED;
