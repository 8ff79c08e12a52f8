-- Sports subgraph, first schema. Written by
--   prisma migrate diff --from-empty --to-schema-datamodel=prisma/sports/schema.prisma --script
-- then edited by hand as noted at the end of the file.

-- CreateEnum
CREATE TYPE "FitnessPointSetting" AS ENUM ('RESIDENTIAL_COMPOUND', 'PARK', 'GREEN_SPACE');

-- CreateEnum
CREATE TYPE "FitnessMaintenanceStatus" AS ENUM ('GOOD', 'NEEDS_REPAIR', 'UNDER_REPAIR', 'RETIRED');

-- CreateEnum
CREATE TYPE "FitnessFunction" AS ENUM ('UPPER_BODY', 'LOWER_BODY', 'CORE', 'AEROBIC', 'FLEXIBILITY', 'BALANCE', 'CHILDREN_PLAY', 'TABLE_TENNIS');

-- CreateEnum
CREATE TYPE "SchoolGroundKind" AS ENUM ('TRACK_AND_FIELD', 'BASKETBALL', 'FOOTBALL');

-- CreateEnum
CREATE TYPE "SportsVenueKind" AS ENUM ('SPORTS_CENTRE', 'GYMNASIUM', 'FITNESS_CENTRE', 'TENNIS_CENTRE', 'SPORTS_GROUND', 'COMMUNITY_COURT', 'FITNESS_STATION');

-- CreateEnum
CREATE TYPE "SportsCourtSport" AS ENUM ('BADMINTON', 'TABLE_TENNIS', 'BASKETBALL', 'TENNIS', 'FOOTBALL', 'VOLLEYBALL', 'SWIMMING', 'FITNESS');

-- CreateEnum
CREATE TYPE "CourtBookingStatus" AS ENUM ('BOOKED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "SportsEventKind" AS ENUM ('MARATHON', 'ROAD_RUN', 'WALK', 'COMMUNITY_GAMES', 'TOURNAMENT', 'ESPORTS');

-- CreateEnum
CREATE TYPE "EventRegistrationStatus" AS ENUM ('REGISTERED', 'CANCELLED');

-- CreateTable
CREATE TABLE "FitnessPoint" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "setting" "FitnessPointSetting" NOT NULL,
    "streetId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "installedYear" INTEGER NOT NULL,
    "maintenanceStatus" "FitnessMaintenanceStatus" NOT NULL,
    "lastInspectedAt" TIMESTAMPTZ(3) NOT NULL,
    "nextInspectionDueAt" TIMESTAMPTZ(3) NOT NULL,
    "maintenanceNote" TEXT,

    CONSTRAINT "FitnessPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FitnessEquipment" (
    "id" TEXT NOT NULL,
    "fitnessPointId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "function" "FitnessFunction" NOT NULL,
    "status" "FitnessMaintenanceStatus" NOT NULL,
    "installedYear" INTEGER NOT NULL,

    CONSTRAINT "FitnessEquipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolSportsGround" (
    "id" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "kind" "SchoolGroundKind" NOT NULL,
    "name" TEXT NOT NULL,
    "publicEntrance" TEXT NOT NULL,
    "dailyQuota" INTEGER NOT NULL,
    "qrSecret" TEXT NOT NULL,

    CONSTRAINT "SchoolSportsGround_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolGroundOpening" (
    "id" TEXT NOT NULL,
    "groundId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "opensAtMinute" INTEGER NOT NULL,
    "closesAtMinute" INTEGER NOT NULL,

    CONSTRAINT "SchoolGroundOpening_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolGroundCheckIn" (
    "id" TEXT NOT NULL,
    "groundId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "visitDate" DATE NOT NULL,
    "checkedInAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SchoolGroundCheckIn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SportsVenue" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SportsVenueKind" NOT NULL,
    "streetId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "opensAtMinute" INTEGER NOT NULL,
    "closesAtMinute" INTEGER NOT NULL,
    "offPeakStartMinute" INTEGER NOT NULL,
    "offPeakEndMinute" INTEGER NOT NULL,
    "maxBookingMinutes" INTEGER NOT NULL,

    CONSTRAINT "SportsVenue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SportsCourt" (
    "id" TEXT NOT NULL,
    "venueId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sport" "SportsCourtSport" NOT NULL,
    "indoor" BOOLEAN NOT NULL,
    "capacity" INTEGER NOT NULL,
    "peakPricePerHourFen" INTEGER NOT NULL,
    "offPeakPricePerHourFen" INTEGER NOT NULL,

    CONSTRAINT "SportsCourt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CourtBooking" (
    "id" TEXT NOT NULL,
    "courtId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "CourtBookingStatus" NOT NULL,
    "priceFen" INTEGER NOT NULL,
    "offPeak" BOOLEAN NOT NULL,
    "bookedAt" TIMESTAMPTZ(3) NOT NULL,
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelReason" TEXT,

    CONSTRAINT "CourtBooking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SportsEvent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SportsEventKind" NOT NULL,
    "description" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "venueId" TEXT,
    "streetId" TEXT,
    "organiserId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "registrationOpensAt" TIMESTAMPTZ(3) NOT NULL,
    "registrationClosesAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SportsEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SportsEventCategory" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "registeredCount" INTEGER NOT NULL DEFAULT 0,
    "feeFen" INTEGER NOT NULL,

    CONSTRAINT "SportsEventCategory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SportsEventRegistration" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "categoryId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "status" "EventRegistrationStatus" NOT NULL,
    "registeredAt" TIMESTAMPTZ(3) NOT NULL,
    "cancelledAt" TIMESTAMPTZ(3),

    CONSTRAINT "SportsEventRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FitnessPoint_streetId_idx" ON "FitnessPoint"("streetId");

-- CreateIndex
CREATE INDEX "FitnessEquipment_fitnessPointId_idx" ON "FitnessEquipment"("fitnessPointId");

-- CreateIndex
CREATE INDEX "FitnessEquipment_function_fitnessPointId_idx" ON "FitnessEquipment"("function", "fitnessPointId");

-- CreateIndex
CREATE INDEX "SchoolSportsGround_streetId_idx" ON "SchoolSportsGround"("streetId");

-- CreateIndex
CREATE INDEX "SchoolSportsGround_schoolId_idx" ON "SchoolSportsGround"("schoolId");

-- CreateIndex
CREATE INDEX "SchoolGroundOpening_groundId_idx" ON "SchoolGroundOpening"("groundId");

-- CreateIndex
CREATE INDEX "SchoolGroundCheckIn_groundId_visitDate_idx" ON "SchoolGroundCheckIn"("groundId", "visitDate");

-- CreateIndex
CREATE UNIQUE INDEX "SchoolGroundCheckIn_groundId_residentId_visitDate_key" ON "SchoolGroundCheckIn"("groundId", "residentId", "visitDate");

-- CreateIndex
CREATE INDEX "SportsVenue_streetId_idx" ON "SportsVenue"("streetId");

-- CreateIndex
CREATE INDEX "SportsVenue_departmentId_idx" ON "SportsVenue"("departmentId");

-- CreateIndex
CREATE INDEX "SportsCourt_venueId_idx" ON "SportsCourt"("venueId");

-- CreateIndex
CREATE INDEX "CourtBooking_courtId_startsAt_idx" ON "CourtBooking"("courtId", "startsAt");

-- CreateIndex
CREATE INDEX "CourtBooking_residentId_idx" ON "CourtBooking"("residentId");

-- CreateIndex
CREATE INDEX "SportsEvent_startsAt_idx" ON "SportsEvent"("startsAt");

-- CreateIndex
CREATE INDEX "SportsEvent_streetId_idx" ON "SportsEvent"("streetId");

-- CreateIndex
CREATE UNIQUE INDEX "SportsEventCategory_eventId_code_key" ON "SportsEventCategory"("eventId", "code");

-- CreateIndex
CREATE INDEX "SportsEventRegistration_eventId_idx" ON "SportsEventRegistration"("eventId");

-- CreateIndex
CREATE INDEX "SportsEventRegistration_categoryId_idx" ON "SportsEventRegistration"("categoryId");

-- CreateIndex
CREATE INDEX "SportsEventRegistration_residentId_idx" ON "SportsEventRegistration"("residentId");

-- AddForeignKey
ALTER TABLE "FitnessEquipment" ADD CONSTRAINT "FitnessEquipment_fitnessPointId_fkey" FOREIGN KEY ("fitnessPointId") REFERENCES "FitnessPoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SchoolGroundOpening" ADD CONSTRAINT "SchoolGroundOpening_groundId_fkey" FOREIGN KEY ("groundId") REFERENCES "SchoolSportsGround"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SchoolGroundCheckIn" ADD CONSTRAINT "SchoolGroundCheckIn_groundId_fkey" FOREIGN KEY ("groundId") REFERENCES "SchoolSportsGround"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SportsCourt" ADD CONSTRAINT "SportsCourt_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "SportsVenue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CourtBooking" ADD CONSTRAINT "CourtBooking_courtId_fkey" FOREIGN KEY ("courtId") REFERENCES "SportsCourt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SportsEvent" ADD CONSTRAINT "SportsEvent_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "SportsVenue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SportsEventCategory" ADD CONSTRAINT "SportsEventCategory_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "SportsEvent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SportsEventRegistration" ADD CONSTRAINT "SportsEventRegistration_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "SportsEvent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SportsEventRegistration" ADD CONSTRAINT "SportsEventRegistration_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "SportsEventCategory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- 错峰订场: live bookings of a court never overlap beyond its capacity (1 for a court, the places of a hall), whoever
-- writes them. PostgreSQL's exclusion constraints cannot count to a capacity and need btree_gist for the court id,
-- which PGlite does not ship, so a trigger does it: it locks the court's row first, which queues concurrent writers
-- of the same court behind each other (a waiting writer's next statement sees the rows the first one committed),
-- then finds the busiest moment of the new interval (concurrency only rises where a booking starts, so checking the
-- new start and every live start inside the interval is enough). It raises SQLSTATE 23P01 (exclusion_violation).
-- An INSERT of an id that already exists is left to the primary key (`ON CONFLICT DO NOTHING` in the idempotent
-- seed must skip it, not check it against bookings made since).
CREATE FUNCTION "CourtBooking_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  court_capacity integer;
  busiest integer;
BEGIN
  IF NEW."status" <> 'BOOKED' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM "CourtBooking" WHERE "id" = NEW."id") THEN
    RETURN NEW;
  END IF;
  SELECT "capacity" INTO court_capacity FROM "SportsCourt" WHERE "id" = NEW."courtId" FOR UPDATE;
  IF court_capacity IS NULL THEN
    RETURN NEW; -- the foreign key reports the unknown court
  END IF;
  IF court_capacity = 1 THEN
    -- The common case, a court or table: any live overlap is one too many (one index probe).
    IF EXISTS (
      SELECT 1 FROM "CourtBooking" AS b
      WHERE b."courtId" = NEW."courtId" AND b."status" = 'BOOKED' AND b."id" <> NEW."id"
        AND b."startsAt" < NEW."endsAt" AND b."endsAt" > NEW."startsAt"
    ) THEN
      RAISE EXCEPTION 'Court % already has a live booking overlapping % to %.', NEW."courtId", NEW."startsAt", NEW."endsAt"
        USING ERRCODE = '23P01';
    END IF;
    RETURN NEW;
  END IF;
  SELECT coalesce(max(concurrent), 0) INTO busiest
  FROM (
    SELECT (
      SELECT count(*) FROM "CourtBooking" AS b
      WHERE b."courtId" = NEW."courtId" AND b."status" = 'BOOKED' AND b."id" <> NEW."id"
        AND b."startsAt" <= point."at" AND b."endsAt" > point."at"
    ) AS concurrent
    FROM (
      SELECT NEW."startsAt" AS "at"
      UNION
      SELECT o."startsAt" FROM "CourtBooking" AS o
      WHERE o."courtId" = NEW."courtId" AND o."status" = 'BOOKED' AND o."id" <> NEW."id"
        AND o."startsAt" > NEW."startsAt" AND o."startsAt" < NEW."endsAt"
    ) AS point
  ) AS counts;
  IF busiest >= court_capacity THEN
    RAISE EXCEPTION 'Court % already has % live booking(s) between % and %; its capacity is %.',
      NEW."courtId", busiest, NEW."startsAt", NEW."endsAt", court_capacity
      USING ERRCODE = '23P01';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "CourtBooking_guard"
  BEFORE INSERT OR UPDATE OF "courtId", "startsAt", "endsAt", "status" ON "CourtBooking"
  FOR EACH ROW EXECUTE FUNCTION "CourtBooking_guard"();

-- A resident holds at most one live registration per event (in any category). Partial, so a cancelled registration
-- does not stop the resident from registering again. This is what makes two simultaneous registrations safe.
CREATE UNIQUE INDEX "SportsEventRegistration_eventId_residentId_live_key" ON "SportsEventRegistration"("eventId", "residentId") WHERE "status" = 'REGISTERED';

-- Registration keeps registeredCount in step with capacity through a conditional update; the database refuses any
-- write that would break the invariant anyway.
ALTER TABLE "SportsEventCategory" ADD CONSTRAINT "SportsEventCategory_registeredCount_check" CHECK ("capacity" > 0 AND "registeredCount" >= 0 AND "registeredCount" <= "capacity");
ALTER TABLE "SportsEvent" ADD CONSTRAINT "SportsEvent_time_check" CHECK ("endsAt" > "startsAt" AND "registrationClosesAt" > "registrationOpensAt" AND "registrationClosesAt" <= "startsAt");
ALTER TABLE "CourtBooking" ADD CONSTRAINT "CourtBooking_time_check" CHECK ("endsAt" > "startsAt" AND "priceFen" >= 0);
ALTER TABLE "SportsCourt" ADD CONSTRAINT "SportsCourt_capacity_check" CHECK ("capacity" >= 1 AND "peakPricePerHourFen" >= 0 AND "offPeakPricePerHourFen" >= 0);
ALTER TABLE "SportsVenue" ADD CONSTRAINT "SportsVenue_hours_check" CHECK ("opensAtMinute" >= 0 AND "opensAtMinute" < "closesAtMinute" AND "closesAtMinute" <= 1440 AND "offPeakStartMinute" <= "offPeakEndMinute" AND "maxBookingMinutes" > 0);
ALTER TABLE "SchoolSportsGround" ADD CONSTRAINT "SchoolSportsGround_dailyQuota_check" CHECK ("dailyQuota" > 0);
ALTER TABLE "SchoolGroundOpening" ADD CONSTRAINT "SchoolGroundOpening_window_check" CHECK ("weekday" BETWEEN 1 AND 7 AND "opensAtMinute" >= 0 AND "opensAtMinute" < "closesAtMinute" AND "closesAtMinute" <= 1440);
