-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "attribution_model" TEXT NOT NULL DEFAULT 'LAST_CLICK';

