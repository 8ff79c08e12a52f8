-- Enterprise (法人) principals (issue 15): an ENTERPRISE account acts for one registered enterprise. The enum value is
-- only added here; nothing in this migration uses it (PostgreSQL forbids that in one transaction). The CHECK that only
-- ENTERPRISE accounts name an enterprise is enforced by the seed and createPerson, not here, for the same reason.

-- AlterEnum
ALTER TYPE "PersonKind" ADD VALUE 'ENTERPRISE';

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "enterpriseId" TEXT;
