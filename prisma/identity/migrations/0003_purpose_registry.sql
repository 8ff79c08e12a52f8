-- The purpose registry (处理目的登记): versioned purposes a request may declare (x-og-purpose), with their history.
-- CreateEnum
CREATE TYPE "PurposeVersionStatus" AS ENUM ('DRAFT', 'ACTIVE', 'RETIRED');

-- CreateEnum
CREATE TYPE "PurposeChangeKind" AS ENUM ('DRAFTED', 'ENABLED', 'DISABLED');

-- CreateTable
CREATE TABLE "purpose" (
    "name" TEXT NOT NULL,
    "active_version" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "purpose_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "purpose_version" (
    "purpose_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "kinds" TEXT[],
    "roles" TEXT[],
    "departments" TEXT[],
    "requires_case" BOOLEAN NOT NULL,
    "retention_days" INTEGER NOT NULL,
    "status" "PurposeVersionStatus" NOT NULL,
    "author_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "purpose_version_pkey" PRIMARY KEY ("purpose_name","version")
);

-- CreateTable
CREATE TABLE "purpose_change" (
    "id" SERIAL NOT NULL,
    "purpose_name" TEXT NOT NULL,
    "version" INTEGER,
    "kind" "PurposeChangeKind" NOT NULL,
    "author_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "purpose_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "purpose_change_purpose_name_id_idx" ON "purpose_change"("purpose_name", "id");

-- AddForeignKey
ALTER TABLE "purpose_version" ADD CONSTRAINT "purpose_version_purpose_name_fkey" FOREIGN KEY ("purpose_name") REFERENCES "purpose"("name") ON DELETE RESTRICT ON UPDATE CASCADE;


-- At most one ACTIVE version per purpose, even under concurrent enables; kinds never empty; a sane retention.
CREATE UNIQUE INDEX "purpose_version_one_active" ON "purpose_version"("purpose_name") WHERE "status" = 'ACTIVE';
ALTER TABLE "purpose_version" ADD CONSTRAINT "purpose_version_kinds_present" CHECK (cardinality("kinds") > 0);
ALTER TABLE "purpose_version" ADD CONSTRAINT "purpose_version_retention_range" CHECK ("retention_days" BETWEEN 1 AND 36500);
