-- Integrator app lifecycle (接入管理, issue 13): requested by a department (PENDING) and approved or rejected by a
-- security admin; disabling, expiry, secret rotation with an overlap window, trusted-documents mode; every change
-- recorded in IntegratorAppEvent (who, when, why); the operations a trusted-documents app may run, by SHA-256.
-- The enum values are only added here; nothing in this migration uses them (PostgreSQL forbids that in one transaction).
-- AlterEnum


ALTER TYPE "IntegratorAppStatus" ADD VALUE 'PENDING';
ALTER TYPE "IntegratorAppStatus" ADD VALUE 'REJECTED';

-- AlterTable
ALTER TABLE "IntegratorApp" ADD COLUMN     "disabledAt" TIMESTAMPTZ(3),
ADD COLUMN     "expiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "previousSecretHash" TEXT,
ADD COLUMN     "previousSecretUntil" TIMESTAMPTZ(3),
ADD COLUMN     "requestedById" TEXT,
ADD COLUMN     "requestedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "trustedDocumentsOnly" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "IntegratorAppEvent" (
    "id" SERIAL NOT NULL,
    "appId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "reason" TEXT,
    "detail" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IntegratorAppEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrustedDocument" (
    "appId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "operationName" TEXT,
    "registeredById" TEXT NOT NULL,
    "registeredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TrustedDocument_pkey" PRIMARY KEY ("appId","hash")
);

-- CreateIndex
CREATE INDEX "IntegratorAppEvent_appId_id_idx" ON "IntegratorAppEvent"("appId", "id");


-- The apps the gateway refuses by disabling or expiry are looked up by these times.
CREATE INDEX "IntegratorApp_disabledAt_idx" ON "IntegratorApp"("disabledAt") WHERE "disabledAt" IS NOT NULL;
CREATE INDEX "IntegratorApp_expiresAt_idx" ON "IntegratorApp"("expiresAt") WHERE "expiresAt" IS NOT NULL;
