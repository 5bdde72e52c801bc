-- Binding the FreshBooks connect flow to the browser that started it, and a confirmation step in
-- the admin (docs/decisions/0009): the state's one-time start, and the login shown before confirming.
ALTER TABLE "oauth_state" ADD COLUMN "started_at" TIMESTAMPTZ(3);
ALTER TABLE "freshbooks_connection" ADD COLUMN "login_email" TEXT;

-- "Choose a business" was already a connection waiting for the merchant: it is now "pending".
UPDATE "freshbooks_connection" SET "status" = 'pending' WHERE "status" = 'choose_business';
