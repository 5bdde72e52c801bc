-- CreateTable
CREATE TABLE "freshbooks_connection" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "identity_id" INTEGER NOT NULL,
    "business_id" INTEGER,
    "account_id" TEXT,
    "business_name" TEXT,
    "business_choices" JSONB,
    "access_token_enc" TEXT NOT NULL,
    "refresh_token_enc" TEXT NOT NULL,
    "access_token_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "scope" TEXT,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "freshbooks_connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_state" (
    "nonce" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_state_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE UNIQUE INDEX "freshbooks_connection_shop_key" ON "freshbooks_connection"("shop");

-- CreateIndex
CREATE INDEX "oauth_state_shop_idx" ON "oauth_state"("shop");
