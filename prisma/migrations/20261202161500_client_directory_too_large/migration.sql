-- A business with more clients than the directory imports: its orders use the email searches,
-- and the import is tried again a day later (not on every order).
ALTER TABLE "freshbooks_client_directory_state" ADD COLUMN "too_large" BOOLEAN NOT NULL DEFAULT false;
