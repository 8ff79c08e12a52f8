-- CreateEnum
CREATE TYPE "CultureVenueKind" AS ENUM ('LIBRARY', 'LIBRARY_BRANCH', 'THEATRE', 'MUSEUM', 'MEMORIAL', 'ART_GALLERY', 'CULTURAL_CENTRE', 'COMMUNITY_CULTURAL_CENTRE', 'TOURIST_STATION');

-- CreateEnum
CREATE TYPE "ReadableBuildingType" AS ENUM ('SHIKUMEN_LANE', 'NEW_STYLE_LANE', 'GARDEN_HOUSE', 'APARTMENT', 'PUBLIC_BUILDING', 'COMMERCIAL', 'INDUSTRIAL', 'RELIGIOUS', 'MEMORIAL', 'WORKERS_VILLAGE');

-- CreateEnum
CREATE TYPE "ReadableBuildingProtectionLevel" AS ENUM ('NATIONAL_HERITAGE', 'MUNICIPAL_HERITAGE', 'DISTRICT_HERITAGE', 'HERITAGE_SITE', 'OUTSTANDING_HISTORICAL', 'PRESERVED_HISTORICAL');

-- CreateEnum
CREATE TYPE "CultureProgrammeCategory" AS ENUM ('PERFORMANCE', 'LECTURE', 'EXHIBITION', 'WORKSHOP', 'FILM', 'GUIDED_WALK');

-- CreateEnum
CREATE TYPE "CultureRegistrationStatus" AS ENUM ('REGISTERED', 'WAITLISTED', 'CANCELLED', 'ATTENDED');

-- CreateEnum
CREATE TYPE "TourismRouteTheme" AS ENUM ('ARCHITECTURE_WALK', 'RED_CULTURE', 'SUHE_RIVERSIDE', 'CELEBRITY_RESIDENCES', 'ARTS_AND_PERFORMANCE', 'CITY_HISTORY');

-- CreateTable
CREATE TABLE "CultureVenue" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "CultureVenueKind" NOT NULL,
    "address" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "openingHours" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "isSmartVenue" BOOLEAN NOT NULL DEFAULT false,
    "seats" INTEGER,
    "description" TEXT NOT NULL,
    "buildingId" TEXT,

    CONSTRAINT "CultureVenue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReadableBuilding" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "formerName" TEXT,
    "address" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "yearBuilt" INTEGER NOT NULL,
    "architect" TEXT,
    "style" TEXT NOT NULL,
    "buildingType" "ReadableBuildingType" NOT NULL,
    "protectionLevel" "ReadableBuildingProtectionLevel" NOT NULL,
    "history" TEXT NOT NULL,
    "qrCodeId" TEXT NOT NULL,
    "openToPublic" BOOLEAN NOT NULL,

    CONSTRAINT "ReadableBuilding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CultureProgramme" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" "CultureProgrammeCategory" NOT NULL,
    "description" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "venueId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "routeId" TEXT,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "registeredCount" INTEGER NOT NULL DEFAULT 0,
    "waitlistCapacity" INTEGER NOT NULL,
    "waitlistedCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CultureProgramme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CultureRegistration" (
    "id" TEXT NOT NULL,
    "programmeId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "status" "CultureRegistrationStatus" NOT NULL,
    "waitlistPosition" INTEGER,
    "registeredAt" TIMESTAMPTZ(3) NOT NULL,
    "promotedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "attendedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CultureRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TourismRoute" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "theme" "TourismRouteTheme" NOT NULL,
    "description" TEXT NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "distanceMeters" INTEGER NOT NULL,

    CONSTRAINT "TourismRoute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TourismRouteStop" (
    "id" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "buildingId" TEXT,
    "venueId" TEXT,
    "guide" TEXT NOT NULL,
    "stayMinutes" INTEGER NOT NULL,

    CONSTRAINT "TourismRouteStop_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CultureVenue_streetId_idx" ON "CultureVenue"("streetId");

-- CreateIndex
CREATE INDEX "CultureVenue_departmentId_idx" ON "CultureVenue"("departmentId");

-- CreateIndex
CREATE INDEX "CultureVenue_buildingId_idx" ON "CultureVenue"("buildingId");

-- CreateIndex
CREATE UNIQUE INDEX "ReadableBuilding_qrCodeId_key" ON "ReadableBuilding"("qrCodeId");

-- CreateIndex
CREATE INDEX "ReadableBuilding_streetId_idx" ON "ReadableBuilding"("streetId");

-- CreateIndex
CREATE INDEX "ReadableBuilding_protectionLevel_idx" ON "ReadableBuilding"("protectionLevel");

-- CreateIndex
CREATE INDEX "CultureProgramme_startsAt_idx" ON "CultureProgramme"("startsAt");

-- CreateIndex
CREATE INDEX "CultureProgramme_venueId_startsAt_idx" ON "CultureProgramme"("venueId", "startsAt");

-- CreateIndex
CREATE INDEX "CultureProgramme_streetId_startsAt_idx" ON "CultureProgramme"("streetId", "startsAt");

-- CreateIndex
CREATE INDEX "CultureProgramme_category_startsAt_idx" ON "CultureProgramme"("category", "startsAt");

-- CreateIndex
CREATE INDEX "CultureProgramme_routeId_idx" ON "CultureProgramme"("routeId");

-- CreateIndex
CREATE INDEX "CultureRegistration_programmeId_status_waitlistPosition_idx" ON "CultureRegistration"("programmeId", "status", "waitlistPosition");

-- CreateIndex
CREATE INDEX "CultureRegistration_residentId_idx" ON "CultureRegistration"("residentId");

-- CreateIndex
CREATE INDEX "TourismRoute_theme_idx" ON "TourismRoute"("theme");

-- CreateIndex
CREATE INDEX "TourismRouteStop_buildingId_idx" ON "TourismRouteStop"("buildingId");

-- CreateIndex
CREATE INDEX "TourismRouteStop_venueId_idx" ON "TourismRouteStop"("venueId");

-- CreateIndex
CREATE UNIQUE INDEX "TourismRouteStop_routeId_position_key" ON "TourismRouteStop"("routeId", "position");

-- AddForeignKey
ALTER TABLE "CultureVenue" ADD CONSTRAINT "CultureVenue_buildingId_fkey" FOREIGN KEY ("buildingId") REFERENCES "ReadableBuilding"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "CultureVenue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_routeId_fkey" FOREIGN KEY ("routeId") REFERENCES "TourismRoute"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CultureRegistration" ADD CONSTRAINT "CultureRegistration_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "CultureProgramme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TourismRouteStop" ADD CONSTRAINT "TourismRouteStop_routeId_fkey" FOREIGN KEY ("routeId") REFERENCES "TourismRoute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TourismRouteStop" ADD CONSTRAINT "TourismRouteStop_buildingId_fkey" FOREIGN KEY ("buildingId") REFERENCES "ReadableBuilding"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TourismRouteStop" ADD CONSTRAINT "TourismRouteStop_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "CultureVenue"("id") ON DELETE SET NULL ON UPDATE CASCADE;



-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- A resident holds at most one live registration (registered, waiting or attended) per programme. Partial, so a
-- cancelled registration does not stop the resident from registering again. The mutations take the programme's row
-- lock first, so this index is the backstop, not the mechanism.
CREATE UNIQUE INDEX "CultureRegistration_programmeId_residentId_live_key" ON "CultureRegistration"("programmeId", "residentId") WHERE "status" <> 'CANCELLED';

-- The counters the mutations keep, and the rule that makes promotion work: nobody waits while a place is free.
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_registeredCount_check" CHECK ("registeredCount" >= 0 AND "registeredCount" <= "capacity");
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_waitlistedCount_check" CHECK ("waitlistedCount" >= 0 AND "waitlistedCount" <= "waitlistCapacity");
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_waitlist_only_when_full_check" CHECK ("waitlistedCount" = 0 OR "registeredCount" = "capacity");
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_capacity_check" CHECK ("capacity" > 0 AND "waitlistCapacity" >= 0);
ALTER TABLE "CultureProgramme" ADD CONSTRAINT "CultureProgramme_time_check" CHECK ("endsAt" > "startsAt");

-- A waiting-list position exactly while waiting. (Positions are not unique-indexed: closing a gap shifts them down
-- in one UPDATE, which a non-deferrable unique index could reject half-way; the programme row lock keeps them
-- 1..waitlistedCount instead.)
ALTER TABLE "CultureRegistration" ADD CONSTRAINT "CultureRegistration_waitlistPosition_check" CHECK (("status" = 'WAITLISTED') = ("waitlistPosition" IS NOT NULL) AND ("waitlistPosition" IS NULL OR "waitlistPosition" >= 1));

-- A route stop is a readable building or a venue, never both, never neither.
ALTER TABLE "TourismRouteStop" ADD CONSTRAINT "TourismRouteStop_place_check" CHECK (("buildingId" IS NULL) <> ("venueId" IS NULL));
ALTER TABLE "TourismRouteStop" ADD CONSTRAINT "TourismRouteStop_position_check" CHECK ("position" >= 1 AND "stayMinutes" >= 0);
