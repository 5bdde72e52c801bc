-- The business's FreshBooks clients, by email (docs/decisions/0015-performance.md): imported on
-- first need, kept fresh with updated_min deltas, so a new customer costs a create and no searches.
CREATE TABLE "freshbooks_client_directory" (
    "shop" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "client_id" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "vis_state" INTEGER NOT NULL,
    CONSTRAINT "freshbooks_client_directory_pkey" PRIMARY KEY ("shop", "account_id", "client_id")
);
CREATE INDEX "freshbooks_client_directory_email_idx" ON "freshbooks_client_directory" ("shop", "account_id", "email");

-- When the directory was last brought up to date (its delta starts the day before).
CREATE TABLE "freshbooks_client_directory_state" (
    "shop" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "freshbooks_client_directory_state_pkey" PRIMARY KEY ("shop", "account_id")
);

-- A client create sent for this email whose answer may not have arrived: the next attempt searches
-- FreshBooks by email before creating (intent before the request, a lookup before any retry).
CREATE TABLE "freshbooks_client_intent" (
    "shop" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "freshbooks_client_intent_pkey" PRIMARY KEY ("shop", "account_id", "email")
);

-- The directory is knowledge of the same clients as client_mapping: whoever empties the mappings
-- (a test, a bench between scenarios, a reset) empties it too.
CREATE FUNCTION freshbooks_client_directory_reset() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM freshbooks_client_directory;
  DELETE FROM freshbooks_client_directory_state;
  DELETE FROM freshbooks_client_intent;
  RETURN NULL;
END $$;
CREATE TRIGGER freshbooks_client_directory_reset AFTER TRUNCATE ON "client_mapping"
  FOR EACH STATEMENT EXECUTE FUNCTION freshbooks_client_directory_reset();
