-- School sports grounds moved to the education subgraph, which the data catalogue names as their owner (区教育局;
-- one data, one source, issue 14). Their rows are demo seed and past check-ins; a deployment with real check-ins
-- copies them to the education schema before applying this.

-- DropForeignKey
ALTER TABLE "SchoolGroundOpening" DROP CONSTRAINT "SchoolGroundOpening_groundId_fkey";

-- DropForeignKey
ALTER TABLE "SchoolGroundCheckIn" DROP CONSTRAINT "SchoolGroundCheckIn_groundId_fkey";

-- DropTable
DROP TABLE "SchoolSportsGround";

-- DropTable
DROP TABLE "SchoolGroundOpening";

-- DropTable
DROP TABLE "SchoolGroundCheckIn";

-- DropEnum
DROP TYPE "SchoolGroundKind";

