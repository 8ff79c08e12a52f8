import { describe, expect, it } from "vitest";
import { entIds, prisma, query, representations, sqlCost, useEnterpriseSubgraph } from "./enterpriseTestbed.ts";

useEnterpriseSubgraph();

describe("batched data access", () => {
  const ENTERPRISE_GRAPH = /* GraphQL */ `
    query E($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Enterprise {
          id park { name } street { id }
          applications {
            id status currentItem { name department { id } }
            bundledService { name materials items { name } }
            timeline { sequence status department { id } serviceItem { name bundledService { id } } }
            allowedNextStatuses
          }
          benefitGrants { amount policy { name issuingDepartment { id } } run { id evaluatedCount } reasons { description } }
          windowAppointments { id slot { startsAt window { name } } window { id } bundledService { id } }
        }
      }
    }
  `;

  it("resolves 500 enterprises with applications, timelines, grants and appointments for the same SQL as 10", async () => {
    // Ten enterprises that have every kind of record, so that the small request walks every hop too.
    const rich = await prisma.enterprise.findMany({
      where: {
        applications: { some: { currentItemId: { not: null } } },
        grants: { some: {} },
        windowAppointments: { some: {} },
      },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 10,
    });
    expect(rich).toHaveLength(10);
    const small = await sqlCost(ENTERPRISE_GRAPH, {
      r: representations(
        "Enterprise",
        rich.map((e) => e.id),
      ),
    });
    const large = await sqlCost(ENTERPRISE_GRAPH, { r: representations("Enterprise", entIds(101, 500)) });
    const entities = large.body.data._entities;
    expect(entities).toHaveLength(500);
    expect(entities.flatMap((e: any) => e.applications).length).toBeGreaterThan(300);
    expect(entities.flatMap((e: any) => e.benefitGrants).length).toBeGreaterThan(100);
    expect(entities.flatMap((e: any) => e.windowAppointments).length).toBeGreaterThan(50);
    expect(large.statements).toBe(small.statements);
    // enterprises; their applications, grants and appointments; timelines; all items and all bundles (reference
    // data, once); the grants' policies and runs; the appointments' slots; all windows.
    expect(large.statements).toBe(11);
  });

  it("resolves 500 applications, grants and appointments with their hops for the same SQL as 10", async () => {
    // Each list mixes its kinds of row from the start (in review or not, enterprise or resident), so that the ten of
    // the small request walk every hop the 500 do.
    const [inReview, settled, grants, forEnterprises, forResidents] = await Promise.all([
      prisma.serviceApplication.findMany({ where: { currentItemId: { not: null } }, select: { id: true }, take: 250 }),
      prisma.serviceApplication.findMany({ where: { currentItemId: null }, select: { id: true }, take: 250 }),
      prisma.benefitGrant.findMany({ select: { id: true }, orderBy: { id: "asc" }, take: 500 }),
      prisma.windowAppointment.findMany({ where: { enterpriseId: { not: null } }, select: { id: true }, take: 250 }),
      prisma.windowAppointment.findMany({ where: { residentId: { not: null } }, select: { id: true }, take: 250 }),
    ]);
    const interleave = (a: Array<{ id: string }>, b: Array<{ id: string }>) => a.flatMap((row, i) => [row, b[i]!]);
    const applications = interleave(inReview, settled);
    const appointments = interleave(forEnterprises, forResidents);
    // [type, ids, selection, statements]
    const cases: Array<[string, string[], string, number]> = [
      [
        "ServiceApplication",
        applications.map((a) => a.id),
        `... on ServiceApplication { enterprise { name } bundledService { items { name } } currentItem { name } timeline { serviceItem { name } } allowedNextStatuses }`,
        5, // applications, enterprises, timelines, all bundles, all items
      ],
      [
        "BenefitGrant",
        grants.map((g) => g.id),
        `... on BenefitGrant { enterprise { name } policy { name grantCount matchingRuns { id } } run { grantedCount policy { id } } }`,
        6, // grants, enterprises, policies, grant counts, runs per policy, runs
      ],
      [
        "WindowAppointment",
        appointments.map((a) => a.id),
        `... on WindowAppointment { slot { window { name } } window { services { name } } enterprise { name } resident { id } bundledService { name } }`,
        // appointments, slots, enterprises, all windows, all bundles; residents' appointments resolve after the one
        // batched register lookup (jurisdiction), so their hops batch in a second wave: one more, whatever the size.
        6,
      ],
    ];
    for (const [typename, ids, selection, expected] of cases) {
      expect(ids).toHaveLength(500);
      const document = `query E($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
      const small = await sqlCost(document, { r: representations(typename, ids.slice(0, 10)) });
      const large = await sqlCost(document, { r: representations(typename, ids) });
      expect(large.body.data._entities.every((entity: unknown) => entity !== null)).toBe(true);
      expect({ typename, small: small.statements, large: large.statements }).toEqual({
        typename,
        small: expected,
        large: expected,
      });
    }
  });

  it("pages window slots and applications with their hops for the same SQL at 10 and at full page size", async () => {
    const SLOTS = `query S($first: Int) { windowSlots(first: $first) { nodes { window { name services { id } } remaining } } }`;
    const fewSlots = await sqlCost(SLOTS, { first: 10 });
    const manySlots = await sqlCost(SLOTS, { first: 200 });
    expect(manySlots.body.data.windowSlots.nodes).toHaveLength(200);
    expect(manySlots.statements).toBe(fewSlots.statements);
    const APPS = `query A($first: Int) {
      serviceApplications(first: $first) { nodes { enterprise { street { id } } timeline { department { id } } } }
    }`;
    const fewApps = await sqlCost(APPS, { first: 10 });
    const manyApps = await sqlCost(APPS, { first: 100 });
    expect(manyApps.statements).toBe(fewApps.statements);
  });

  it("resolves 50 Street representations with a page of enterprises each in three SQL statements", async () => {
    const streets = await prisma.enterprise.groupBy({ by: ["streetId"], _count: { _all: true } });
    expect(streets).toHaveLength(14);
    const ids = [...streets.map((s) => s.streetId), ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query S($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Street { id enterprises(first: 5) { totalCount nodes { id street { id } } pageInfo { hasNextPage } } }
        }
      }`,
      { r: representations("Street", ids) },
    );
    expect(statements).toBe(3); // page ids per street (window function), the rows, the counts
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    const total = entities.reduce((sum: number, e: any) => sum + e.enterprises.totalCount, 0);
    expect(total).toBe(3000);
    for (const street of entities.slice(0, 14)) {
      expect(street.enterprises.nodes).toHaveLength(5);
      expect(street.enterprises.nodes.every((n: any) => n.street.id === street.id)).toBe(true);
    }
    for (const elsewhere of entities.slice(14)) {
      expect(elsewhere.enterprises).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
    }
  });

  it("walks one street's enterprises with cursors to exactly the street's list", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await query(
        `query S($r: [_Any!]!, $after: String) {
          _entities(representations: $r) { ... on Street { enterprises(first: 40, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }
        }`,
        { r: representations("Street", ["street-daninglu"]), after },
      );
      const page = body.data._entities[0].enterprises;
      ids.push(...page.nodes.map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = await prisma.enterprise.findMany({
      where: { streetId: "street-daninglu" },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    expect(ids).toEqual(expected.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(100);
  });

  it("lists a department's items in bundles and a resident's window appointments, 50 representations in one statement each", async () => {
    const departments = ["dept-market", "dept-public-security", "dept-human-resources", "dept-sports"];
    const ids = [...departments, ...Array.from({ length: 46 }, (_, i) => `dept-none-${i}`)];
    const { body, statements } = await sqlCost(
      `query D($r: [_Any!]!) { _entities(representations: $r) { ... on Department { id serviceItems { name bundledService { id } } } } }`,
      { r: representations("Department", ids) },
    );
    expect(statements).toBe(2); // all items, all bundles: reference data
    const [market, police, hr, sports] = body.data._entities;
    expect(market.serviceItems.map((i: any) => i.name)).toContain("食品经营许可");
    expect(police.serviceItems.map((i: any) => i.name)).toContain("公章刻制备案");
    expect(hr.serviceItems.length).toBeGreaterThan(3);
    expect(sports.serviceItems).toEqual([{ name: "高危险性体育项目经营许可", bundledService: { id: "svc-open-gym" } }]);
    expect(body.data._entities.slice(4).every((d: any) => d.serviceItems.length === 0)).toBe(true);

    const residents = await prisma.windowAppointment.findMany({
      where: { residentId: { not: null } },
      distinct: ["residentId"],
      select: { residentId: true },
      take: 50,
    });
    expect(residents).toHaveLength(50);
    const residentCost = await sqlCost(
      `query R($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id windowAppointments { id resident { id } } } } }`,
      {
        r: representations(
          "Resident",
          residents.map((r) => r.residentId!),
        ),
      },
    );
    expect(residentCost.statements).toBe(1);
    for (const resident of residentCost.body.data._entities) {
      expect(resident.windowAppointments.length).toBeGreaterThan(0);
      expect(resident.windowAppointments.every((a: any) => a.resident.id === resident.id)).toBe(true);
    }
  });
});
