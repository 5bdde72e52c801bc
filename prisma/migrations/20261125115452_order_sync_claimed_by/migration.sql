-- AlterTable
ALTER TABLE "order_sync" ADD COLUMN     "claimed_by" TEXT;
