-- Access policies (授权管理): versioned rules behind the schema's @policy names, and the change history.
-- CreateEnum
CREATE TYPE "AccessPolicyVersionStatus" AS ENUM ('DRAFT', 'ACTIVE', 'RETIRED');

-- CreateEnum
CREATE TYPE "AccessPolicyChangeKind" AS ENUM ('DRAFTED', 'ENABLED', 'DISABLED');

-- CreateTable
CREATE TABLE "access_policy" (
    "name" TEXT NOT NULL,
    "active_version" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "access_policy_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "access_policy_version" (
    "policy_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "rule" JSONB NOT NULL,
    "status" "AccessPolicyVersionStatus" NOT NULL,
    "author_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "access_policy_version_pkey" PRIMARY KEY ("policy_name","version")
);

-- CreateTable
CREATE TABLE "access_policy_change" (
    "id" SERIAL NOT NULL,
    "policy_name" TEXT NOT NULL,
    "version" INTEGER,
    "kind" "AccessPolicyChangeKind" NOT NULL,
    "author_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "access_policy_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "access_policy_change_policy_name_id_idx" ON "access_policy_change"("policy_name", "id");

-- AddForeignKey
ALTER TABLE "access_policy_version" ADD CONSTRAINT "access_policy_version_policy_name_fkey" FOREIGN KEY ("policy_name") REFERENCES "access_policy"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- At most one ACTIVE version per policy, even under concurrent enables.
CREATE UNIQUE INDEX "access_policy_version_one_active" ON "access_policy_version"("policy_name") WHERE "status" = 'ACTIVE';
