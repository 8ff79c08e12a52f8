-- The case a declared purpose served (x-og-case), recorded with the purpose; null for records without one.
-- AlterTable
ALTER TABLE "DataAccessRecord" ADD COLUMN     "caseReference" TEXT;

-- CreateIndex
CREATE INDEX "DataAccessRecord_caseReference_sequence_idx" ON "DataAccessRecord"("caseReference", "sequence");
