-- Rate limits as data (资源管理): overrides per principal kind, role, app and user with their history, and the
-- per-minute usage the gateways meter per app and department (docs/limits.md).
-- CreateEnum
CREATE TYPE "RateLimitScope" AS ENUM ('TIER', 'ROLE', 'APP', 'USER');

-- CreateEnum
CREATE TYPE "RateLimitChangeKind" AS ENUM ('SET', 'CLEARED');

-- CreateTable
CREATE TABLE "rate_limit_rule" (
    "scope" "RateLimitScope" NOT NULL,
    "subject" TEXT NOT NULL,
    "limits" JSONB NOT NULL,
    "revision" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_rule_pkey" PRIMARY KEY ("scope","subject")
);

-- CreateTable
CREATE TABLE "rate_limit_change" (
    "id" SERIAL NOT NULL,
    "scope" "RateLimitScope" NOT NULL,
    "subject" TEXT NOT NULL,
    "kind" "RateLimitChangeKind" NOT NULL,
    "limits" JSONB,
    "previous" JSONB,
    "author_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_minute" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "app_id" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "cost" BIGINT NOT NULL,
    "subgraph_fetches" BIGINT NOT NULL,
    "classified_fields" BIGINT NOT NULL,

    CONSTRAINT "usage_minute_pkey" PRIMARY KEY ("minute","app_id","department_id")
);

-- CreateTable
CREATE TABLE "usage_flush" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_flush_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rate_limit_change_scope_subject_id_idx" ON "rate_limit_change"("scope", "subject", "id");

-- CreateIndex
CREATE INDEX "usage_minute_app_id_minute_idx" ON "usage_minute"("app_id", "minute");

-- CreateIndex
CREATE INDEX "usage_flush_at_idx" ON "usage_flush"("at");


-- Counters never go negative.
ALTER TABLE "usage_minute" ADD CONSTRAINT "usage_minute_counts_non_negative"
  CHECK ("requests" >= 0 AND "errors" >= 0 AND "cost" >= 0 AND "subgraph_fetches" >= 0 AND "classified_fields" >= 0);
