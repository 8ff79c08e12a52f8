-- CreateSchema

-- CreateTable
CREATE TABLE "DataAccessRecord" (
    "sequence" BIGINT NOT NULL,
    "recordId" UUID NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "requestId" TEXT NOT NULL,
    "principalId" TEXT,
    "principalKind" TEXT NOT NULL,
    "applicationId" TEXT,
    "departmentId" TEXT,
    "purpose" TEXT,
    "operationName" TEXT,
    "operationHash" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "subjectResidentIds" TEXT[],
    "policyVersion" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "appendedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataAccessRecord_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL,
    "sequence" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "sequence" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "prunedRecords" INTEGER NOT NULL,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "DataAccessRecord_recordId_key" ON "DataAccessRecord"("recordId");

-- CreateIndex
CREATE INDEX "DataAccessRecord_subjectResidentIds_idx" ON "DataAccessRecord" USING GIN ("subjectResidentIds");

-- CreateIndex
CREATE INDEX "DataAccessRecord_principalId_sequence_idx" ON "DataAccessRecord"("principalId", "sequence");

-- CreateIndex
CREATE INDEX "DataAccessRecord_operationName_sequence_idx" ON "DataAccessRecord"("operationName", "sequence");

-- CreateIndex
CREATE INDEX "DataAccessRecord_occurredAt_idx" ON "DataAccessRecord"("occurredAt");

