/**
 * Enterprise (法人) principals (issue 15): an enterprise user acts for one enterprise and sees that enterprise's entry,
 * its applications (一件事 services) and its 免申即享 grants — on the root lists, by id and through the enterprise —
 * and nothing of another enterprise, which answers exactly like a missing one. Lists count only its own rows.
 */
import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { errorCode, prisma, query, useEnterpriseSubgraph } from "./enterpriseTestbed.ts";

useEnterpriseSubgraph();

/** The enterprise user as the gateway derives it from an identity token (kind `enterprise`, claim `ent`). */
function enterpriseUser(enterpriseId: string | null): Principal {
  return {
    ...ANONYMOUS,
    kind: "enterprise",
    id: "person-000009",
    roles: ["enterprise"],
    scopes: ["enterprise:self", "graph:read"],
    enterpriseId,
    sessionId: "sid-test",
    issuer: "test",
  };
}

/** Two enterprises that both hold grants and applications in the seed, the first with the most grants. */
async function twoEnterprises(): Promise<[string, string]> {
  const withGrants = await prisma.benefitGrant.groupBy({
    by: ["enterpriseId"],
    _count: { _all: true },
    orderBy: [{ _count: { enterpriseId: "desc" } }, { enterpriseId: "asc" }],
    take: 50,
  });
  const withApplications = new Set(
    (
      await prisma.serviceApplication.findMany({
        where: { enterpriseId: { in: withGrants.map((g) => g.enterpriseId) } },
        select: { enterpriseId: true },
      })
    ).map((a) => a.enterpriseId),
  );
  const both = withGrants.map((g) => g.enterpriseId).filter((id) => withApplications.has(id));
  expect(both.length).toBeGreaterThanOrEqual(2);
  return [both[0] as string, both[1] as string];
}

describe("an enterprise user (法人) sees its own enterprise only", () => {
  it("lists its own grants and applications, exactly, with totals that count nothing else", async () => {
    const [own, other] = await twoEnterprises();
    const grants = (await prisma.benefitGrant.findMany({ where: { enterpriseId: own }, orderBy: { id: "asc" } })).map(
      (g) => g.id,
    );
    const applications = await prisma.serviceApplication.count({ where: { enterpriseId: own } });
    const body = await query(
      `{
        benefitGrants(first: 100) { totalCount nodes { id enterprise { id } reasons { description } } }
        serviceApplications(first: 100) { totalCount nodes { id enterprise { id } bundledService { id name } } }
        someoneElses: benefitGrants(filter: { enterpriseId: "${other}" }, first: 100) { totalCount nodes { id } }
      }`,
      undefined,
      enterpriseUser(own),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.benefitGrants.totalCount).toBe(grants.length);
    expect(body.data.benefitGrants.nodes.map((g: any) => g.id).sort()).toEqual(grants);
    expect(body.data.benefitGrants.nodes.every((g: any) => g.enterprise.id === own)).toBe(true);
    // Each grant says why (免申即享 with the reason for each).
    expect(body.data.benefitGrants.nodes[0].reasons.length).toBeGreaterThan(0);
    expect(body.data.serviceApplications.totalCount).toBe(applications);
    expect(body.data.serviceApplications.nodes.every((a: any) => a.enterprise.id === own)).toBe(true);
    expect(body.data.serviceApplications.nodes[0].bundledService.name).toBeTruthy();
    expect(body.data.someoneElses).toEqual({ totalCount: 0, nodes: [] });
  });

  it("reads its own entry with its applications and grants; another enterprise's entry, application and grant are missing", async () => {
    const [own, other] = await twoEnterprises();
    const [otherApplication, otherGrant] = await Promise.all([
      prisma.serviceApplication.findFirstOrThrow({ where: { enterpriseId: other } }),
      prisma.benefitGrant.findFirstOrThrow({ where: { enterpriseId: other } }),
    ]);
    const ENTRY = `query ($id: ID!, $app: ID!) {
      enterprise(id: $id) { id name applications { id } benefitGrants { id } }
      serviceApplication(id: $app) { id }
    }`;
    const mine = await query(
      ENTRY,
      { id: own, app: (await prisma.serviceApplication.findFirstOrThrow({ where: { enterpriseId: own } })).id },
      enterpriseUser(own),
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data.enterprise.id).toBe(own);
    expect(mine.data.enterprise.applications.length).toBe(
      await prisma.serviceApplication.count({ where: { enterpriseId: own } }),
    );
    expect(mine.data.enterprise.benefitGrants.length).toBe(
      await prisma.benefitGrant.count({ where: { enterpriseId: own } }),
    );
    expect(mine.data.serviceApplication).not.toBeNull();

    const theirs = await query(ENTRY, { id: other, app: otherApplication.id }, enterpriseUser(own));
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data).toEqual({ enterprise: null, serviceApplication: null });
    const grant = await query(
      `{ _entities(representations: [{ __typename: "BenefitGrant", id: "${otherGrant.id}" }]) { ... on BenefitGrant { id } } }`,
      undefined,
      enterpriseUser(own),
    );
    expect(grant.data._entities).toEqual([null]);
  });

  it("the seeded enterprise user's enterprise (ent.yiyuan → ent-000025, README) has applications and grants to show", async () => {
    const body = await query(
      `{ enterprise(id: "ent-000025") { id applications { id } benefitGrants { id amount } } }`,
      undefined,
      enterpriseUser("ent-000025"),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.enterprise.applications.length).toBeGreaterThan(0);
    expect(body.data.enterprise.benefitGrants.length).toBeGreaterThan(0);
  });

  it("an enterprise principal without an enterprise, and other kinds, get nothing from the register", async () => {
    const none = await query("{ benefitGrants(first: 5) { totalCount } }", undefined, enterpriseUser(null));
    expect(errorCode(none)).toBe("FORBIDDEN");
    const enterprises = await query(
      "{ enterprises(first: 5) { totalCount } }",
      undefined,
      enterpriseUser("ent-000025"),
    );
    expect(errorCode(enterprises)).toBe("FORBIDDEN");
  });
});
