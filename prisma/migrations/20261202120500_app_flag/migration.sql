-- Facts about the whole installation that the app records once and then acts on, e.g.
-- 'token_v1_retired': `npm run tokens:reencrypt` rewrote every FreshBooks token in format v2, so
-- v1 ciphertexts (not bound to their row) are refused from then on (docs/decisions/0005).
CREATE TABLE "app_flag" (
    "name" TEXT NOT NULL,
    "set_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_flag_pkey" PRIMARY KEY ("name")
);
