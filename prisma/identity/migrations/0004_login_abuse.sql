-- Login abuse that cannot lock the owner out: addresses each person logged in from, admin unlocks (with actor and
-- reason) and the one-time-password outcomes in the login log, and an index for per-account-and-address counts.
-- The enum values are only added here; nothing in this migration uses them (PostgreSQL forbids that in one transaction).
ALTER TYPE "LoginOutcome" ADD VALUE 'PASSWORD_CHANGE_REQUIRED';
ALTER TYPE "LoginOutcome" ADD VALUE 'PASSWORD_CHANGED';
ALTER TYPE "LoginOutcome" ADD VALUE 'UNLOCKED';

-- AlterTable
ALTER TABLE "LoginAttempt" ADD COLUMN     "actorId" TEXT,
ADD COLUMN     "note" TEXT;

-- CreateTable
CREATE TABLE "KnownLoginAddress" (
    "personId" TEXT NOT NULL,
    "clientIp" TEXT NOT NULL,
    "firstSuccessAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSuccessAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "KnownLoginAddress_pkey" PRIMARY KEY ("personId","clientIp")
);

-- CreateIndex
CREATE INDEX "LoginAttempt_usernameKey_clientIp_at_idx" ON "LoginAttempt"("usernameKey", "clientIp", "at");

