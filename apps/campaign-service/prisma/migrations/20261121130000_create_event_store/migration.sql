-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "aggregate_version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "event_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "causation_id" TEXT,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "handle" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "name" TEXT,
    "goal_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "tracking_preset" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "primary_slug" TEXT,
    "cookie_duration_days" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("handle","campaign_id")
);

-- CreateTable
CREATE TABLE "links" (
    "handle" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "destination_url" TEXT NOT NULL,
    "campaign_id" TEXT,
    "tracking_mode" TEXT NOT NULL,
    "append_context_param" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "links_pkey" PRIMARY KEY ("handle","slug")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT,
    "value" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "events_event_id_key" ON "events"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "events_aggregate_version_key" ON "events"("aggregate_type", "handle", "aggregate_id", "aggregate_version");

-- CreateIndex
CREATE INDEX "campaigns_handle_created_at_idx" ON "campaigns"("handle", "created_at" DESC);

-- CreateIndex
CREATE INDEX "links_handle_campaign_id_idx" ON "links"("handle", "campaign_id");

-- CreateIndex: partial, so it stays as small as the backlog the relay has left to publish.
CREATE INDEX "outbox_unpublished_idx" ON "outbox"("id") WHERE "published_at" IS NULL;

