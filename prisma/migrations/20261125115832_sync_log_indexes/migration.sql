-- CreateIndex
CREATE INDEX "order_sync_shop_order_number_idx" ON "order_sync"("shop", "order_number");

-- CreateIndex
CREATE INDEX "order_sync_shop_customer_email_idx" ON "order_sync"("shop", "customer_email");
