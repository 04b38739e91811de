-- The last four characters of a personal access token, for display (NULL for tokens created before).
ALTER TABLE "tokens" ADD COLUMN "last_four" TEXT;
