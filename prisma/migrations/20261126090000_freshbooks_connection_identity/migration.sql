-- Shops connected with one FreshBooks login share its token pair: refreshes update them together.
-- CreateIndex
CREATE INDEX "freshbooks_connection_identity_id_idx" ON "freshbooks_connection"("identity_id");
