-- customers/data_request and customers/redact match a customer's orders on the exact email,
-- trimmed and lower-cased on both sides (never ILIKE, whose `_` and `%` are wildcards).
CREATE INDEX "order_sync_shop_customer_email_normalised_idx" ON "order_sync" ("shop", lower(btrim("customer_email")));
