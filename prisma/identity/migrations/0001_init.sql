-- CreateSchema

-- CreateEnum
CREATE TYPE "PersonKind" AS ENUM ('RESIDENT', 'OFFICER', 'SECURITY_ADMIN', 'AUDITOR');

-- CreateEnum
CREATE TYPE "PersonStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "IntegratorAppStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "SigningKeyStatus" AS ENUM ('ACTIVE', 'RETIRED');

-- CreateEnum
CREATE TYPE "LoginOutcome" AS ENUM ('SUCCESS', 'BAD_PASSWORD', 'UNKNOWN_USER', 'THROTTLED', 'LOCKED', 'DISABLED');

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "kind" "PersonKind" NOT NULL,
    "status" "PersonStatus" NOT NULL DEFAULT 'ACTIVE',
    "passwordHash" TEXT,
    "passwordChangedAt" TIMESTAMPTZ(3),
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "disabledAt" TIMESTAMPTZ(3),

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Resident" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "idNumber" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "personId" TEXT,

    CONSTRAINT "Resident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficerMembership" (
    "personId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "streetIds" TEXT[],
    "scopes" TEXT[],

    CONSTRAINT "OfficerMembership_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "Role" (
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "scopes" TEXT[],

    CONSTRAINT "Role_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "PersonRole" (
    "personId" TEXT NOT NULL,
    "roleName" TEXT NOT NULL,

    CONSTRAINT "PersonRole_pkey" PRIMARY KEY ("personId","roleName")
);

-- CreateTable
CREATE TABLE "IntegratorApp" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretHash" TEXT NOT NULL,
    "allowedScopes" TEXT[],
    "ownerDepartmentId" TEXT NOT NULL,
    "status" "IntegratorAppStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IntegratorApp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefreshToken" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "scope" TEXT,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "replacedBy" TEXT,

    CONSTRAINT "RefreshToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL,
    "privateKeyEncrypted" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "status" "SigningKeyStatus" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "usernameKey" TEXT NOT NULL,
    "personId" TEXT,
    "clientIp" TEXT NOT NULL,
    "outcome" "LoginOutcome" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevokedSession" (
    "sid" TEXT NOT NULL,
    "revokedAt" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "RevokedSession_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_username_key" ON "Person"("username");

-- CreateIndex
CREATE INDEX "Person_kind_id_idx" ON "Person"("kind", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Resident_idNumber_key" ON "Resident"("idNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Resident_personId_key" ON "Resident"("personId");

-- CreateIndex
CREATE INDEX "Resident_streetId_idx" ON "Resident"("streetId");

-- CreateIndex
CREATE INDEX "OfficerMembership_departmentId_idx" ON "OfficerMembership"("departmentId");

-- CreateIndex
CREATE INDEX "PersonRole_roleName_idx" ON "PersonRole"("roleName");

-- CreateIndex
CREATE UNIQUE INDEX "IntegratorApp_clientId_key" ON "IntegratorApp"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "RefreshToken_tokenHash_key" ON "RefreshToken"("tokenHash");

-- CreateIndex
CREATE INDEX "RefreshToken_sid_idx" ON "RefreshToken"("sid");

-- CreateIndex
CREATE INDEX "RefreshToken_personId_issuedAt_idx" ON "RefreshToken"("personId", "issuedAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_usernameKey_at_idx" ON "LoginAttempt"("usernameKey", "at");

-- CreateIndex
CREATE INDEX "LoginAttempt_clientIp_at_idx" ON "LoginAttempt"("clientIp", "at");

-- CreateIndex
CREATE INDEX "LoginAttempt_personId_at_idx" ON "LoginAttempt"("personId", "at");

-- CreateIndex
CREATE INDEX "RevokedSession_until_idx" ON "RevokedSession"("until");

-- AddForeignKey
ALTER TABLE "Resident" ADD CONSTRAINT "Resident_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficerMembership" ADD CONSTRAINT "OfficerMembership_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonRole" ADD CONSTRAINT "PersonRole_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonRole" ADD CONSTRAINT "PersonRole_roleName_fkey" FOREIGN KEY ("roleName") REFERENCES "Role"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefreshToken" ADD CONSTRAINT "RefreshToken_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written constraints Prisma cannot express.

-- At most one ACTIVE signing key: two rotations (or two replicas seeding) at once cannot both win.
CREATE UNIQUE INDEX "SigningKey_one_active_key" ON "SigningKey"("status") WHERE "status" = 'ACTIVE';

-- Numbers of accounts created through createPerson (person-001000 …); seeded accounts use lower numbers.
CREATE SEQUENCE "person_number" START WITH 1000;

ALTER TABLE "Person" ADD CONSTRAINT "Person_username_lower_case" CHECK ("username" = lower("username"));

-- GB 11643: 17 digits and a check character (digit or X); ids are zero-padded to 6 digits.
ALTER TABLE "Resident" ADD CONSTRAINT "Resident_id_number_shape" CHECK ("idNumber" ~ '^[0-9]{17}[0-9X]$');
ALTER TABLE "Resident" ADD CONSTRAINT "Resident_id_shape" CHECK ("id" ~ '^resident-[0-9]{6}$');

ALTER TABLE "RefreshToken" ADD CONSTRAINT "RefreshToken_expires_after_issue" CHECK ("expiresAt" > "issuedAt");
ALTER TABLE "RevokedSession" ADD CONSTRAINT "RevokedSession_until_after_revocation" CHECK ("until" >= "revokedAt");

-- The audit keeps what was typed only up to 64 characters (a pasted password must not survive whole).
ALTER TABLE "LoginAttempt" ADD CONSTRAINT "LoginAttempt_username_length" CHECK (length("username") <= 64 AND length("usernameKey") <= 64);
