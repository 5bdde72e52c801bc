-- Pacing an account's requests after FreshBooks limited it (docs/decisions/0008): the spacing
-- learnt from its 429s, when it was last raised, and the last start time handed out. Every
-- worker's requests to the account take the next start time in turn, so a limited account is
-- sent a steady stream instead of every waiting order at once.
ALTER TABLE "freshbooks_rate_limit" ADD COLUMN "pace_ms" DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE "freshbooks_rate_limit" ADD COLUMN "paced_at" TIMESTAMPTZ(3);
ALTER TABLE "freshbooks_rate_limit" ADD COLUMN "last_slot" TIMESTAMPTZ(3);
