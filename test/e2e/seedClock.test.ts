/**
 * The showcase on another day: every departmental subgraph seeded for a date 400 days after the fixture date, with
 * its clock there, takes a booking or a registration through its real resolvers; then the same databases are started
 * again a month later (the seed ledger rolls them forward) and take more, with what residents did kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CityParkingPlatform, startCityParkingPlatform } from "../../legacy/cityParkingPlatform/server.ts";
import type { Principal } from "../../lib/principal.ts";
import { createCultureSubgraph } from "../../subgraphs/culture/index.ts";
import { createEducationSubgraph } from "../../subgraphs/education/index.ts";
import { createEnterpriseSubgraph } from "../../subgraphs/enterprise/index.ts";
import { createHealthSubgraph } from "../../subgraphs/health/index.ts";
import type { SubgraphModule } from "../../subgraphs/kit/module.ts";
import { addDays, type LocalDate, shanghaiInstant } from "../../subgraphs/kit/seedCalendar.ts";
import { readSeedLedger, seedModule } from "../../subgraphs/kit/seedLedger.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { createParkingSubgraph } from "../../subgraphs/parking/index.ts";
import { createSportsSubgraph } from "../../subgraphs/sports/index.ts";
import { residentPrincipal } from "../rows/principals.ts";
import { TEST_SEED_DATE } from "../support/seedDate.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

/** 400 days after the fixture date: a Wednesday in January 2028, far from any date the seeds were written for. */
const FUTURE: LocalDate = addDays(TEST_SEED_DATE, 400);
/** A month later, when the kept databases are started again. */
const LATER: LocalDate = addDays(FUTURE, 30);

let clock = shanghaiInstant(FUTURE, "09:30");
/** Seeding six departments takes a minute on a quiet machine; a busy two-core one may need several. */
const SEEDING_TIMEOUT_MS = 600_000;
const now = () => clock;

type Department = "health" | "education" | "sports" | "culture" | "parking" | "enterprise";
// Each module with its own Prisma client type; the test drives them alike.
type AnyModule = SubgraphModule<any, any>;

let platform: CityParkingPlatform;
const modules = {} as Record<Department, AnyModule>;
const services = {} as Record<Department, SubgraphService<any>>;

beforeAll(async () => {
  platform = await startCityParkingPlatform({
    port: 0,
    latencyMs: { min: 1, max: 5 },
    failureRate: 0,
    now: () => clock.getTime(),
  });
  Object.assign(modules, {
    health: createHealthSubgraph({ now }),
    education: createEducationSubgraph({ now }),
    sports: createSportsSubgraph({ now }),
    culture: createCultureSubgraph({ now }),
    parking: createParkingSubgraph({ now, platform: { url: platform.url, cacheTtlMs: 0 } }),
    enterprise: createEnterpriseSubgraph({ now }),
  });
  for (const department of Object.keys(modules) as Department[]) {
    services[department] = await startTestSubgraph(modules[department], { seedDate: FUTURE });
  }
}, SEEDING_TIMEOUT_MS);

afterAll(async () => {
  for (const service of Object.values(services)) await service?.stop();
  await platform?.stop();
});

async function ask(department: Department, document: string, variables: Record<string, unknown>, as: Principal) {
  const { body } = await graphql(services[department].url, document, variables, {}, { principal: as });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

/** What each department takes on the day: one booking or registration, made as a resident, with its date. */
const TAKE: Record<Department, (resident: string) => Promise<{ id: string; at: string }>> = {
  async health(resident) {
    const me = residentPrincipal(resident);
    const { appointmentSlots } = await ask(
      "health",
      `{ appointmentSlots(filter: { availableOnly: true }, first: 1) { nodes { id startsAt } } }`,
      {},
      me,
    );
    const slot = appointmentSlots.nodes[0];
    const { bookAppointment } = await ask(
      "health",
      `mutation B($slotId: ID!) { bookAppointment(input: { slotId: $slotId }) { id status slot { startsAt } } }`,
      { slotId: slot.id },
      me,
    );
    expect(bookAppointment.status).toBe("BOOKED");
    return { id: bookAppointment.id, at: bookAppointment.slot.startsAt };
  },
  async education(resident) {
    const me = residentPrincipal(resident);
    const { courses } = await ask(
      "education",
      `{ courses(filter: { availableOnly: true }, first: 1) { nodes { id startsAt } } }`,
      {},
      me,
    );
    const { enrolInCourse } = await ask(
      "education",
      `mutation E($courseId: ID!) { enrolInCourse(input: { courseId: $courseId }) { id status course { startsAt } } }`,
      { courseId: courses.nodes[0].id },
      me,
    );
    expect(enrolInCourse.status).toBe("ENROLLED");
    return { id: enrolInCourse.id, at: enrolInCourse.course.startsAt };
  },
  async sports(resident) {
    const me = residentPrincipal(resident);
    // A court on the day after the clock, and the first event whose registration is open.
    const day = addDays(localDateOf(clock), 1);
    const { courtAvailability } = await ask(
      "sports",
      `query A($date: String!) { courtAvailability(courtId: "court-0001-01", date: $date) { freeIntervals { startsAt } } }`,
      { date: day },
      me,
    );
    const startsAt = courtAvailability.freeIntervals[0].startsAt;
    const { bookCourt } = await ask(
      "sports",
      `mutation C($startsAt: DateTime!, $endsAt: DateTime!) {
        bookCourt(input: { courtId: "court-0001-01", startsAt: $startsAt, endsAt: $endsAt }) { id status startsAt }
      }`,
      { startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() },
      me,
    );
    expect(bookCourt.status).toBe("BOOKED");
    const { sportsEvents } = await ask(
      "sports",
      `{ sportsEvents(filter: { phase: REGISTRATION_OPEN }, first: 50) {
          nodes { id startsAt registrationClosesAt categories { code remainingPlaces } }
        } }`,
      {},
      me,
    );
    const event = sportsEvents.nodes.find((e: any) => e.categories.some((c: any) => c.remainingPlaces > 0));
    const category = event.categories.find((c: any) => c.remainingPlaces > 0).code;
    const { registerForEvent } = await ask(
      "sports",
      `mutation R($eventId: ID!, $category: String!) {
        registerForEvent(input: { eventId: $eventId, category: $category }) { id status event { startsAt } }
      }`,
      { eventId: event.id, category },
      me,
    );
    expect(registerForEvent.status).toBe("REGISTERED");
    expect(Date.parse(event.registrationClosesAt)).toBeGreaterThan(clock.getTime());
    expect(Date.parse(registerForEvent.event.startsAt)).toBeGreaterThan(clock.getTime());
    return { id: bookCourt.id, at: bookCourt.startsAt };
  },
  async culture(resident) {
    const me = residentPrincipal(resident);
    const { cultureProgrammes } = await ask(
      "culture",
      `{ cultureProgrammes(filter: { availableOnly: true }, first: 1) { nodes { id startsAt } } }`,
      {},
      me,
    );
    const { registerForCultureProgramme } = await ask(
      "culture",
      `mutation R($programmeId: ID!) {
        registerForCultureProgramme(input: { programmeId: $programmeId }) { id status programme { startsAt } }
      }`,
      { programmeId: cultureProgrammes.nodes[0].id },
      me,
    );
    expect(registerForCultureProgramme.status).toBe("REGISTERED");
    return { id: registerForCultureProgramme.id, at: registerForCultureProgramme.programme.startsAt };
  },
  async parking(resident) {
    const me = residentPrincipal(resident);
    const { parkingFacilities } = await ask(
      "parking",
      `{ parkingFacilities(filter: { kind: GARAGE }, first: 1) { nodes { id availability { freeSpaces } } } }`,
      {},
      me,
    );
    const facility = parkingFacilities.nodes[0];
    // The city platform's live numbers answer on this day too.
    expect(facility.availability.freeSpaces).toBeGreaterThanOrEqual(0);
    const plate = `沪A${resident.slice(-5)}`;
    const { startParkingSession } = await ask(
      "parking",
      `mutation P($facilityId: ID!, $plate: String!) {
        startParkingSession(input: { facilityId: $facilityId, plate: $plate }) { id status startedAt }
      }`,
      { facilityId: facility.id, plate },
      me,
    );
    expect(startParkingSession).toMatchObject({ status: "ACTIVE", startedAt: clock.toISOString() });
    return { id: startParkingSession.id, at: startParkingSession.startedAt };
  },
  async enterprise(resident) {
    // A resident books a window of the administrative service centre that serves residents, in its first free slot.
    const me = residentPrincipal(resident);
    const { serviceWindows } = await ask("enterprise", `{ serviceWindows { id servesResidents } }`, {}, me);
    const windowId = serviceWindows.find((w: any) => w.servesResidents).id;
    const { windowSlots } = await ask(
      "enterprise",
      `query S($windowId: ID!) { windowSlots(filter: { availableOnly: true, windowId: $windowId }, first: 1) { nodes { startsAt } } }`,
      { windowId },
      me,
    );
    const { bookWindowAppointment } = await ask(
      "enterprise",
      `mutation W($windowId: ID!, $startsAt: DateTime!) {
        bookWindowAppointment(input: { windowId: $windowId, startsAt: $startsAt }) { id status startsAt }
      }`,
      { windowId, startsAt: windowSlots.nodes[0].startsAt },
      me,
    );
    expect(bookWindowAppointment.status).toBe("BOOKED");
    return { id: bookWindowAppointment.id, at: bookWindowAppointment.startsAt };
  },
};

function localDateOf(instant: Date): LocalDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const DEPARTMENTS = Object.keys(TAKE) as Department[];
const taken = new Map<Department, { id: string; at: string }>();

describe(`a fresh start on ${FUTURE}, 400 days after the fixture date`, () => {
  it.each(DEPARTMENTS)("%s takes a booking or registration for a date ahead of the clock", async (department) => {
    const booking = await TAKE[department](`resident-0${String(41_000 + DEPARTMENTS.indexOf(department))}`);
    if (department === "parking") expect(Date.parse(booking.at)).toBe(clock.getTime());
    else expect(Date.parse(booking.at)).toBeGreaterThan(clock.getTime());
    // Within the seeded weeks, not a leftover of another year.
    expect(Date.parse(booking.at)).toBeLessThan(shanghaiInstant(FUTURE, "00:00", 60).getTime());
    taken.set(department, booking);
  });

  it("offers the weeks ahead: health slots two weeks out, courts three, open events, a policy in force", async () => {
    const me = residentPrincipal("resident-041100");
    const horizon = (days: number) => shanghaiInstant(FUTURE, "00:00", days).toISOString();
    const { appointmentSlots } = await ask(
      "health",
      `query H($from: DateTime!) { appointmentSlots(filter: { from: $from, availableOnly: true }) { totalCount } }`,
      { from: horizon(10) },
      me,
    );
    expect(appointmentSlots.totalCount).toBeGreaterThan(100);
    const { windowSlots, benefitPolicies } = await ask(
      "enterprise",
      `query W($from: DateTime!, $day: String!) {
        windowSlots(filter: { from: $from, availableOnly: true }) { totalCount }
        benefitPolicies(filter: { inForceOn: $day }) { totalCount }
      }`,
      { from: horizon(14), day: FUTURE },
      me,
    );
    expect(windowSlots.totalCount).toBeGreaterThan(0);
    expect(benefitPolicies.totalCount).toBeGreaterThanOrEqual(9);
    const { sportsEvents } = await ask(
      "sports",
      `{ sportsEvents(filter: { phase: REGISTRATION_OPEN }) { totalCount } }`,
      {},
      me,
    );
    expect(sportsEvents.totalCount).toBeGreaterThanOrEqual(3);
  });
});

describe(`the same databases started again on ${LATER}`, () => {
  beforeAll(async () => {
    clock = shanghaiInstant(LATER, "09:30");
    for (const department of DEPARTMENTS) {
      const service = services[department];
      await seedModule(modules[department], service.prisma, service.db, LATER, true);
    }
  }, SEEDING_TIMEOUT_MS);

  it("records both seed dates in each database's ledger", async () => {
    for (const department of DEPARTMENTS) {
      expect(await readSeedLedger(services[department].db, true), department).toEqual([FUTURE, LATER]);
    }
  });

  it.each(DEPARTMENTS)(
    "%s keeps what residents did and takes a new booking ahead of the later clock",
    async (department) => {
      const booking = await TAKE[department](`resident-0${String(42_000 + DEPARTMENTS.indexOf(department))}`);
      if (department === "parking") expect(Date.parse(booking.at)).toBe(clock.getTime());
      else expect(Date.parse(booking.at)).toBeGreaterThan(clock.getTime());
      const earlier = taken.get(department);
      expect(earlier, "the fresh-start test ran first").toBeDefined();
      const prisma = services[department].prisma as any;
      const table = {
        health: prisma.appointment,
        education: prisma.enrolment,
        sports: prisma.courtBooking,
        culture: prisma.cultureRegistration,
        parking: prisma.parkingSession,
        enterprise: prisma.windowAppointment,
      }[department];
      // What residents did is kept, and marked as theirs: only the seed's own records are synthetic.
      expect(await table.findUnique({ where: { id: earlier!.id } }), department).toMatchObject({ synthetic: false });
      expect(await table.findUnique({ where: { id: booking.id } }), department).toMatchObject({ synthetic: false });
      expect(await table.count({ where: { synthetic: true } }), department).toBeGreaterThan(0);
    },
  );

  it("keeps every counter equal to its rows after the top-up", async () => {
    const health = services.health.prisma as any;
    const slots = await health.appointmentSlot.findMany({ select: { id: true, bookedCount: true } });
    const booked = await health.appointment.groupBy({
      by: ["slotId"],
      where: { status: "BOOKED" },
      _count: { _all: true },
    });
    const bySlot = new Map(booked.map((row: any) => [row.slotId, row._count._all]));
    for (const slot of slots) expect(bySlot.get(slot.id) ?? 0, slot.id).toBe(slot.bookedCount);

    const sports = services.sports.prisma as any;
    const categories = await sports.sportsEventCategory.findMany({ select: { id: true, registeredCount: true } });
    const registered = await sports.sportsEventRegistration.groupBy({
      by: ["categoryId"],
      where: { status: "REGISTERED" },
      _count: { _all: true },
    });
    const byCategory = new Map(registered.map((row: any) => [row.categoryId, row._count._all]));
    for (const category of categories)
      expect(byCategory.get(category.id) ?? 0, category.id).toBe(category.registeredCount);

    const education = services.education.prisma as any;
    const courses = await education.course.findMany({ select: { id: true, enrolledCount: true } });
    const enrolled = await education.enrolment.groupBy({
      by: ["courseId"],
      where: { status: "ENROLLED" },
      _count: { _all: true },
    });
    const byCourse = new Map(enrolled.map((row: any) => [row.courseId, row._count._all]));
    for (const course of courses) expect(byCourse.get(course.id) ?? 0, course.id).toBe(course.enrolledCount);
  });

  it(
    "adds nothing when the later date is seeded once more",
    async () => {
      for (const department of DEPARTMENTS) {
        const service = services[department];
        const first = await seedModule(modules[department], service.prisma, service.db, LATER, true);
        const again = await seedModule(modules[department], service.prisma, service.db, LATER, true);
        expect(again.summary, department).toEqual(first.summary);
      }
    },
    SEEDING_TIMEOUT_MS,
  );
});
