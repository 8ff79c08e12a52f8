-- The catalogue as the system of record (issue 14): every data resource gets a history of data refreshes and entry
-- changes, written by the catalog's mutations. Freshness (DataResource.lastUpdatedAt) is the latest refresh in it,
-- so the frozen "updatedAt" column goes; its value is carried over as each entry's first recorded refresh.

-- CreateEnum
CREATE TYPE "DataResourceUpdateKind" AS ENUM ('DATA_REFRESHED', 'ENTRY_CHANGED');

-- CreateTable
CREATE TABLE "DataResourceUpdate" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "kind" "DataResourceUpdateKind" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorId" TEXT,
    "actorDepartmentId" TEXT,
    "note" TEXT,
    "changes" JSONB,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "DataResourceUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataResourceUpdate_resourceId_at_idx" ON "DataResourceUpdate"("resourceId", "at");

-- CreateIndex
CREATE INDEX "DataResourceUpdate_resourceId_kind_at_idx" ON "DataResourceUpdate"("resourceId", "kind", "at");

-- AddForeignKey
ALTER TABLE "DataResourceUpdate" ADD CONSTRAINT "DataResourceUpdate_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "DataResource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Carry the old column over (seeded values: synthetic).
INSERT INTO "DataResourceUpdate" ("id", "resourceId", "kind", "at", "note", "synthetic")
SELECT 'upd-' || "id" || '-carried', "id", 'DATA_REFRESHED', "updatedAt", 'carried over from the catalogue''s former updatedAt column', true
FROM "DataResource";

-- AlterTable
ALTER TABLE "DataResource" DROP COLUMN "updatedAt";
