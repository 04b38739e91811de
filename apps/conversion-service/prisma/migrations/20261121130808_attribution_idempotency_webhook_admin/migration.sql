-- AlterEnum
ALTER TYPE "conversion_status" ADD VALUE 'not_counted';

-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "attribution_model" TEXT NOT NULL DEFAULT 'LAST_CLICK';

-- AlterTable
ALTER TABLE "conversions" ADD COLUMN     "status_reason" TEXT,
ADD COLUMN     "visitor_id" TEXT;

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "round_start" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "webhook_subscriptions" ADD COLUMN     "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "disabled_reason" TEXT,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "handle" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "conversion_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("handle","key")
);

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- CreateIndex
CREATE INDEX "clicks_handle_visitor_id_occurred_at_idx" ON "clicks"("handle", "visitor_id", "occurred_at");

-- CreateIndex
CREATE INDEX "conversions_handle_status_created_at_idx" ON "conversions"("handle", "status", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_subscription_id_created_at_idx" ON "webhook_deliveries"("subscription_id", "created_at");

