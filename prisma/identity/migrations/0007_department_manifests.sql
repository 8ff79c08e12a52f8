-- Onboarding as data (issue 13): the department manifests the schema registry delivers — roles, scopes, officer
-- scopes, purposes and policies — are applied to Role, OfficerMembership, Purpose and AccessPolicy; the manifest
-- itself is kept per department, so the next delivery knows what to withdraw.
CREATE TABLE "DepartmentManifest" (
    "departmentId" TEXT NOT NULL,
    "subgraph" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "scopes" TEXT[],
    "deliveredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DepartmentManifest_pkey" PRIMARY KEY ("departmentId")
);
