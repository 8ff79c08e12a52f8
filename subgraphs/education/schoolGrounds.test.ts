/**
 * School sports grounds opened to the public (学校体育场地开放) in the education subgraph, which the data catalogue
 * names as their owner (区教育局; they moved here from sports in issue 14): the list with hours, quotas and schools,
 * QR check-in with its quota under concurrency, who may check in whom, batching, and the seed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDay, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createEducationSubgraph } from "./index.ts";
import type { EducationPrisma } from "./loaders.ts";
import { schoolGroundQrToken } from "./qrToken.ts";
import { countRows } from "./seed.ts";

/**
 * The seed date (a Tuesday), 19:00 in Shanghai: most school grounds are open for the evening. Tests that need another
 * moment move the clock and put it back.
 */
const NOW = seedInstant(0, "19:00");
let clock = NOW;
const education = createEducationSubgraph({ now: () => clock });

let service: SubgraphService<EducationPrisma>;
let prisma: EducationPrisma;

beforeAll(async () => {
  service = await startTestSubgraph(education, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

/** The school's staff at the gate: an officer of 区教育局, who may check in any resident. */
const gate = officerOf("dept-education");

async function query(document: string, variables?: Record<string, unknown>, principal: Principal = gate) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  const body = await query(document, variables);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

function outcome(body: { errors?: any[] }): string {
  return body.errors ? (errorCode(body) ?? "UNKNOWN") : "OK";
}

async function at<T>(instant: Date, work: () => Promise<T>): Promise<T> {
  clock = instant;
  try {
    return await work();
  } finally {
    clock = NOW;
  }
}

const local = (value: string) => new Date(`${value}:00+08:00`);
const resident = (n: number) => `resident-${String(n).padStart(6, "0")}`;

const CHECK_IN = /* GraphQL */ `
  mutation CheckIn($groundId: ID!, $residentId: ID, $qrToken: String!) {
    checkInToSchoolGround(input: { groundId: $groundId, residentId: $residentId, qrToken: $qrToken }) {
      id visitDate checkedInAt resident { id }
      ground { id checkInCount remainingQuota }
    }
  }
`;

/** A ground that only the tests use: open Tuesday and Wednesday 18:00–21:00, with a small quota. */
async function testGround(id: string, dailyQuota: number) {
  const ground = await prisma.schoolSportsGround.create({
    data: {
      id,
      schoolId: "school-0030",
      streetId: "street-beizhan",
      kind: "BASKETBALL",
      name: `测试篮球场 ${id}`,
      publicEntrance: "静安区七浦路529号（东门）",
      dailyQuota,
      qrSecret: `secret-of-${id}`,
      openings: {
        create: [2, 3].map((weekday) => ({
          id: `${id}-${weekday}`,
          weekday,
          opensAtMinute: 18 * 60,
          closesAtMinute: 21 * 60,
        })),
      },
    },
  });
  return { id, token: (date: string) => schoolGroundQrToken(ground.qrSecret, id, date) };
}

describe("school sports grounds (学校体育场地开放)", () => {
  it("lists the 60 schools' 100 grounds with public hours, quota and their School", async () => {
    const body = await query(`{
      schoolSportsGrounds(first: 100) {
        totalCount
        nodes {
          id kind dailyQuota publicEntrance school { id street { id } } street { id } openNow
          openingHours { weekday opensAt closesAt }
          saturday: checkInCount(date: "${seedDay(-3)}") remainingQuota(date: "${seedDay(-3)}")
          today: checkInCount
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const grounds = body.data.schoolSportsGrounds.nodes;
    expect(grounds).toHaveLength(100);
    expect(body.data.schoolSportsGrounds.totalCount).toBe(100);
    const schools = new Set(grounds.map((g: any) => g.school.id));
    expect(schools.size).toBe(60);
    expect([...schools].every((id) => /^school-00(0[1-9]|[1-5]\d|60)$/.test(id as string))).toBe(true);
    expect(grounds.filter((g: any) => g.kind === "TRACK_AND_FIELD")).toHaveLength(60);
    // A ground is in its school's street, at its school's address (上海市市西中学, 愚园路404号).
    const shixi = grounds.find((g: any) => g.school.id === "school-0001");
    expect(shixi.street.id).toBe("street-jingansi");
    for (const ground of grounds) expect(ground.street).toEqual(ground.school.street);
    expect(shixi.publicEntrance).toMatch(/^静安区愚园路404号（.门）$/);
    expect(grounds.some((g: any) => g.saturday > 0)).toBe(true);
    for (const ground of grounds) {
      expect(ground.saturday + ground.remainingQuota).toBe(ground.dailyQuota);
      expect(ground.today).toBe(0);
      // Tuesday 19:00: open exactly when a Tuesday window contains 19:00.
      const open = ground.openingHours.some(
        (w: any) => w.weekday === "TUESDAY" && w.opensAt <= "19:00" && "19:00" < w.closesAt,
      );
      expect(ground.openNow).toBe(open);
    }
    expect(grounds.filter((g: any) => g.openNow).length).toBeGreaterThan(40);
    expect(grounds.filter((g: any) => !g.openNow).length).toBeGreaterThan(5);
  });

  it("filters by street, school, kind and the weekday a ground opens", async () => {
    const body = await query(`{
      beizhan: schoolSportsGrounds(filter: { streetId: "street-beizhan" }) { nodes { street { id } school { id } } }
      school: schoolSportsGrounds(filter: { schoolId: "school-0001" }) { nodes { school { id } } }
      basketball: schoolSportsGrounds(filter: { kind: BASKETBALL }) { totalCount nodes { kind } }
      wednesday: schoolSportsGrounds(filter: { openOn: WEDNESDAY }, first: 100) {
        totalCount nodes { openingHours { weekday } }
      }
      all: schoolSportsGrounds { totalCount }
    }`);
    const d = body.data;
    expect(d.beizhan.nodes.length).toBeGreaterThan(0);
    expect(d.beizhan.nodes.every((g: any) => g.street.id === "street-beizhan")).toBe(true);
    expect(d.school.nodes.length).toBeGreaterThan(0);
    expect(d.school.nodes.every((g: any) => g.school.id === "school-0001")).toBe(true);
    expect(d.basketball.totalCount).toBe(25);
    expect(d.wednesday.totalCount).toBeLessThan(d.all.totalCount);
    for (const ground of d.wednesday.nodes) {
      expect(ground.openingHours.some((w: any) => w.weekday === "WEDNESDAY")).toBe(true);
    }
  });

  it("rejects a date that is not YYYY-MM-DD with BAD_USER_INPUT", async () => {
    const body = await query(`{ schoolSportsGrounds(first: 1) { nodes { checkInCount(date: "2026-02-30") } } }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toMatch(/YYYY-MM-DD/);
  });

  it("never serves the QR secret", async () => {
    const body = await query(`{ __type(name: "SchoolSportsGround") { fields { name } } }`);
    const fields = body.data.__type.fields.map((f: any) => f.name);
    expect(fields).not.toContain("qrSecret");
    expect(fields.some((name: string) => /secret/i.test(name))).toBe(false);
  });

  it("checks a resident in with today's entrance code and counts the visit against the quota", async () => {
    const ground = await testGround("schoolground-test-ok", 50);
    const body = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: "resident-010001",
      qrToken: ground.token(seedDay(0)),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.checkInToSchoolGround).toMatchObject({
      visitDate: seedDay(0),
      checkedInAt: NOW.toISOString(),
      resident: { id: "resident-010001" },
      ground: { id: ground.id, checkInCount: 1, remainingQuota: 49 },
    });
  });

  it("refuses a wrong, stale or other ground's code, a closed ground, an unknown ground and a second visit; writes nothing", async () => {
    const ground = await testGround("schoolground-test-refuse", 50);
    const other = await testGround("schoolground-test-other", 50);
    expect(
      (
        await query(CHECK_IN, {
          groundId: ground.id,
          residentId: "resident-010002",
          qrToken: ground.token(seedDay(0)),
        })
      ).errors,
    ).toBeUndefined();
    const before = await prisma.schoolGroundCheckIn.count();
    const attempt = (groundId: string, residentId: string, qrToken: string) =>
      query(CHECK_IN, { groundId, residentId, qrToken });

    const yesterday = await attempt(ground.id, "resident-010003", ground.token(seedDay(-1)));
    expect(errorCode(yesterday)).toBe("BAD_USER_INPUT");
    expect(yesterday.errors?.[0].message).toMatch(/scan the code at its entrance/);
    expect(errorCode(await attempt(ground.id, "resident-010003", other.token(seedDay(0))))).toBe("BAD_USER_INPUT");
    expect(errorCode(await attempt(ground.id, "resident-010003", "forged"))).toBe("BAD_USER_INPUT");
    expect(errorCode(await attempt("schoolground-9999", "resident-010003", "x"))).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await attempt(ground.id, "someone", ground.token(seedDay(0))))).toBe("BAD_USER_INPUT");

    const again = await attempt(ground.id, "resident-010002", ground.token(seedDay(0)));
    expect(errorCode(again)).toBe("INVALID_STATE_TRANSITION");
    expect(again.errors?.[0].message).toMatch(/already checked in/);

    // Tuesday 17:00 is before the ground opens; Thursday it is closed all day.
    const early = await at(local(seedLocal(0, "17:00")), () =>
      attempt(ground.id, "resident-010003", ground.token(seedDay(0))),
    );
    expect(errorCode(early)).toBe("BAD_USER_INPUT");
    expect(early.errors?.[0].extensions.reason).toBe("OUTSIDE_OPENING_HOURS");
    expect(early.errors?.[0].message).toMatch(/周二 18:00–21:00/);
    const thursday = await at(local(seedLocal(2, "19:00")), () =>
      attempt(ground.id, "resident-010003", ground.token(seedDay(2))),
    );
    expect(errorCode(thursday)).toBe("BAD_USER_INPUT");

    expect(await prisma.schoolGroundCheckIn.count()).toBe(before);
  });

  it("admits the same resident again the next day, with that day's code", async () => {
    const ground = await testGround("schoolground-test-nextday", 50);
    const first = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: "resident-010004",
      qrToken: ground.token(seedDay(0)),
    });
    expect(first.errors).toBeUndefined();
    const next = await at(local(seedLocal(1, "18:30")), () =>
      query(CHECK_IN, { groundId: ground.id, residentId: "resident-010004", qrToken: ground.token(seedDay(1)) }),
    );
    expect(next.errors).toBeUndefined();
    expect(next.data.checkInToSchoolGround.visitDate).toBe(seedDay(1));
  });

  it("refuses check-ins once the daily quota is used, with CAPACITY_REACHED", async () => {
    const ground = await testGround("schoolground-test-full", 2);
    for (const n of [1, 2]) {
      const body = await query(CHECK_IN, {
        groundId: ground.id,
        residentId: resident(11_000 + n),
        qrToken: ground.token(seedDay(0)),
      });
      expect(body.errors).toBeUndefined();
    }
    const full = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: resident(11_003),
      qrToken: ground.token(seedDay(0)),
    });
    expect(errorCode(full)).toBe("CAPACITY_REACHED");
    expect(full.errors?.[0].message).toMatch(/come back tomorrow/);
    expect(await prisma.schoolGroundCheckIn.count({ where: { groundId: ground.id } })).toBe(2);
  });

  it("lets exactly as many of 10 simultaneous check-ins in as the quota has places", async () => {
    const ground = await testGround("schoolground-test-race", 4);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        query(CHECK_IN, { groundId: ground.id, residentId: resident(12_000 + i), qrToken: ground.token(seedDay(0)) }),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(4);
    expect(outcomes.filter((o) => o === "CAPACITY_REACHED")).toHaveLength(6);
    expect(await prisma.schoolGroundCheckIn.count({ where: { groundId: ground.id } })).toBe(4);
  });

  it("lets only one of 5 simultaneous check-ins of the same resident in", async () => {
    const ground = await testGround("schoolground-test-twin", 10);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        query(CHECK_IN, { groundId: ground.id, residentId: "resident-013000", qrToken: ground.token(seedDay(0)) }),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "INVALID_STATE_TRANSITION")).toHaveLength(4);
  });
});

describe("school sports grounds as a list", () => {
  it("walks every ground with cursors, each once in id order, and answers foreign cursors and bad sizes with codes", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const body: any = await query(
        `query Page($after: String) {
          schoolSportsGrounds(first: 20, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
        }`,
        { after },
      );
      const page = body.data.schoolSportsGrounds;
      pages += 1;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    // The seeded 100, and the grounds the tests above added (ids schoolground-test-…).
    expect(seen.filter((id) => /^schoolground-\d{4}$/.test(id))).toHaveLength(100);
    expect(pages).toBe(Math.ceil(seen.length / 20));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());

    const schools = await query(`{ schools(first: 1) { pageInfo { endCursor } } }`);
    const foreign = schools.data.schools.pageInfo.endCursor;
    expect(errorCode(await query(`{ schoolSportsGrounds(first: 5, after: "${foreign}") { nodes { id } } }`))).toBe(
      "INVALID_CURSOR",
    );
    expect(errorCode(await query(`{ schoolSportsGrounds(first: -1) { nodes { id } } }`))).toBe(
      "PAGE_SIZE_OUT_OF_RANGE",
    );
    const unknown = await query(`{ schoolSportsGround(id: "schoolground-9999") { id } }`);
    expect(unknown.data).toEqual({ schoolSportsGround: null });
  });

  it("answers a school's grounds, and a street's, from the same rows", async () => {
    const body = await query(`{
      school(id: "school-0001") { name sportsGrounds { id kind street { id } } }
      kindergarten: school(id: "school-0100") { sportsGrounds { id } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.school.name).toBe("上海市市西中学");
    expect(body.data.school.sportsGrounds.length).toBeGreaterThan(0);
    expect(body.data.school.sportsGrounds[0]).toMatchObject({
      kind: "TRACK_AND_FIELD",
      street: { id: "street-jingansi" },
    });
    expect(body.data.kindergarten.sportsGrounds).toEqual([]);
  });
});

describe("who may check in whom", () => {
  it("checks residents in as themselves, refuses them naming another, and refuses 区体育局 officers now", async () => {
    const ground = await testGround("schoolground-test-self", 10);
    const me = residentPrincipal("resident-050001");
    const entered = await query(CHECK_IN, { groundId: ground.id, qrToken: ground.token(seedDay(0)) }, me);
    expect(entered.errors).toBeUndefined();
    expect(entered.data.checkInToSchoolGround.resident).toEqual({ id: "resident-050001" });
    const forOther = await query(
      CHECK_IN,
      { groundId: ground.id, residentId: "resident-050002", qrToken: ground.token(seedDay(0)) },
      me,
    );
    expect(errorCode(forOther)).toBe("FORBIDDEN");
    const sports = await query(
      CHECK_IN,
      { groundId: ground.id, residentId: "resident-050003", qrToken: ground.token(seedDay(0)) },
      officerOf("dept-sports"),
    );
    expect(errorCode(sports)).toBe("FORBIDDEN");
    expect(await prisma.schoolGroundCheckIn.count({ where: { groundId: ground.id } })).toBe(1);
  });
});

describe("batched data access for grounds", () => {
  it("lists grounds with hours, quota use, school and street for the same SQL whether 3 or 100", async () => {
    const GROUNDS = `query G($first: Int) {
      schoolSportsGrounds(first: $first) {
        nodes { school { id name } street { id } openNow openingHours { weekday } checkInCount(date: "${seedDay(-3)}") remainingQuota }
      }
    }`;
    const few = await sqlCost(GROUNDS, { first: 3 });
    const all = await sqlCost(GROUNDS, { first: 100 });
    expect(all.body.data.schoolSportsGrounds.nodes).toHaveLength(100);
    expect(few.statements).toBe(4); // grounds, schools, openings, check-in counts (both dates in one query)
    expect(all.statements).toBe(few.statements);
  });

  it("resolves 50 Street representations with their grounds in one SQL statement, and grounds by key", async () => {
    const ids = ["street-jingansi", "street-beizhan", ...Array.from({ length: 48 }, (_, i) => `street-x-${i}`)];
    const { body, statements } = await sqlCost(
      `query S($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Street { id schoolSportsGrounds { id street { id } } } }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(1);
    const [jingansi, beizhan, ...rest] = body.data._entities;
    expect(jingansi.schoolSportsGrounds.length).toBeGreaterThan(0);
    expect(jingansi.schoolSportsGrounds.every((g: any) => g.street.id === "street-jingansi")).toBe(true);
    expect(beizhan.schoolSportsGrounds.length).toBeGreaterThan(0);
    expect(rest.every((s: any) => s.schoolSportsGrounds.length === 0)).toBe(true);

    const grounds = await query(
      `query G($representations: [_Any!]!) { _entities(representations: $representations) { ... on SchoolSportsGround { id kind } } }`,
      {
        representations: [
          { __typename: "SchoolSportsGround", id: "schoolground-9999" },
          { __typename: "SchoolSportsGround", id: "schoolground-0001" },
        ],
      },
    );
    expect(grounds.data._entities).toEqual([null, { id: "schoolground-0001", kind: "TRACK_AND_FIELD" }]);
  });
});

describe("seed", () => {
  it("adds nothing when run again, keeping the check-ins made since and the grounds' QR secrets", async () => {
    const secrets = await prisma.schoolSportsGround.findMany({ select: { id: true, qrSecret: true } });
    const before = await countRows(prisma);
    const summary = await education.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(summary).toEqual(before);
    expect(summary.schoolGroundCheckIns).toBeGreaterThan(5000);
    expect(await prisma.schoolSportsGround.findMany({ select: { id: true, qrSecret: true } })).toEqual(secrets);
  });
});
