-- Onboarding as data (issue 13): the data-catalogue entries of a department manifest, delivered by the schema
-- registry, are created or updated as DataResource rows (with their ENTRY_CHANGED history); the department's last
-- delivered list is kept here.
CREATE TABLE "DepartmentManifest" (
    "departmentId" TEXT NOT NULL,
    "subgraph" TEXT NOT NULL,
    "resourceIds" TEXT[],
    "deliveredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DepartmentManifest_pkey" PRIMARY KEY ("departmentId")
);
