-- AlterTable
-- The click's personalization variant, which conversion events carry for the credited click.
-- Clicks stored before this migration were copied without it: variant_known is false for them (a
-- null variant_id would otherwise read as "no variant"), and true for every click stored from now on.
ALTER TABLE "clicks" ADD COLUMN     "variant_id" TEXT,
ADD COLUMN     "variant_known" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "clicks" ALTER COLUMN "variant_known" SET DEFAULT true;
