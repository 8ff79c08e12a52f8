import { describe, expect, it } from "vitest";
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDay } from "../../test/support/seedDate.ts";
import { evaluateCriteria } from "./benefitCriteria.ts";
import { enterpriseFacts, policyCriteria } from "./benefitMatching.ts";
import {
  CREATE_POLICY,
  commerceDesk,
  EDITION,
  errorCode,
  expectSortedUnique,
  NOW,
  policy,
  policyInput,
  prisma,
  query,
  RUN,
  sqlCost,
  useEnterpriseSubgraph,
  walk,
} from "./enterpriseTestbed.ts";

useEnterpriseSubgraph();

describe("benefit policies granted without application (免申即享)", () => {
  it("seeds this year's nine policies, each matched once over every enterprise, and next year's, not yet run", async () => {
    const body = await query(`{
      benefitPolicies(first: 100) {
        totalCount nodes { id name validFrom validTo amount grantCount matchingRuns { id evaluatedCount eligibleCount grantedCount } }
      }
      shibei: benefitGrants(filter: { policyId: "${policy(1)}" }, first: 100) {
        totalCount nodes { amount enterprise { park { id } isHighTech industryCode } reasons { path field operator expected actual negated description } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const policies = body.data.benefitPolicies.nodes;
    // The seed date's two months reach into next year: its calendar-year editions are published, not yet in force.
    expect(policies.map((p: any) => p.id)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => policy(n)),
      ...[1, 2, 3, 4, 5, 6, 8, 9].map((n) => policy(n, EDITION + 1)),
    ]);
    expect(policies[0]).toMatchObject({
      name: `${EDITION}年度市北高新数据产业专项扶持`,
      validFrom: `${EDITION}-01-01`,
      validTo: `${EDITION}-12-31`,
    });
    for (const inForce of policies.filter((p: any) => p.validFrom <= seedDay(0))) {
      expect(inForce.matchingRuns).toEqual([
        {
          id: `run-seed-${inForce.id}`,
          evaluatedCount: 3000,
          eligibleCount: inForce.grantCount,
          grantedCount: inForce.grantCount,
        },
      ]);
      expect(inForce.grantCount).toBeGreaterThan(0);
    }
    for (const next of policies.filter((p: any) => p.validFrom > seedDay(0))) {
      expect(next).toMatchObject({ validFrom: `${EDITION + 1}-01-01`, matchingRuns: [], grantCount: 0 });
    }
    expect(body.data.shibei.totalCount).toBeGreaterThan(50);
    for (const grant of body.data.shibei.nodes) {
      expect(grant.amount).toBe(200_000);
      expect(grant.reasons.map((r: any) => r.path)).toEqual(["criteria.all[0]", "criteria.all[1]", "criteria.all[2]"]);
      const [industry, park, highTech] = grant.reasons;
      expect(JSON.parse(industry.actual)).toBe(grant.enterprise.industryCode);
      expect(park).toMatchObject({
        field: "parkId",
        operator: "in",
        expected: '["park-shibei","park-shibei-blockchain"]',
      });
      expect(JSON.parse(park.actual)).toBe(grant.enterprise.park.id);
      expect(highTech).toEqual({
        path: "criteria.all[2]",
        field: "isHighTech",
        operator: "eq",
        expected: "true",
        actual: "true",
        negated: false,
        description: "isHighTech true = true",
      });
    }
  });

  it("grants exactly the enterprises the criteria select", async () => {
    for (const policyId of [policy(3), policy(4), policy(9)]) {
      const policy = await prisma.benefitPolicy.findUniqueOrThrow({ where: { id: policyId } });
      const criteria = policyCriteria(policy);
      const enterprises = await prisma.enterprise.findMany();
      const eligible = enterprises
        .filter((e) => evaluateCriteria(criteria, enterpriseFacts(e)).eligible)
        .map((e) => e.id);
      const grants = await prisma.benefitGrant.findMany({ where: { policyId }, orderBy: { enterpriseId: "asc" } });
      expect(grants.map((g) => g.enterpriseId)).toEqual(eligible.sort());
    }
  });

  it("refuses invalid criteria with the path of each problem and stores nothing", async () => {
    const before = await prisma.benefitPolicy.count();
    const body = await query(
      CREATE_POLICY,
      policyInput(
        { all: [{ field: "industryCode", in: ["I64", "I65"] }, { field: "employeeCount", lte: "300" }, { any: [] }] },
        { validTo: `${EDITION - 1}-12-31` },
      ),
      commerceDesk,
    );
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toBe(
      "The policy was not created: input.validTo must not be before validFrom; input.criteria.all[1].lte must be a number (employeeCount is a number); input.criteria.all[2].any must be a list of 1 to 20 criteria. Correct these and send it again.",
    );
    expect(body.errors?.[0].extensions.problems).toHaveLength(3);
    expect(await prisma.benefitPolicy.count()).toBe(before);
  });

  it("runs matching over all 3,000 enterprises in a fixed handful of SQL statements, and a second run grants nothing", async () => {
    const created = await query(
      CREATE_POLICY,
      policyInput({
        all: [
          { field: "sizeClass", in: ["MICRO", "SMALL"] },
          { field: "foundedOn", lt: `${EDITION}-01-01` },
        ],
      }),
      commerceDesk,
    );
    expect(created.errors).toBeUndefined();
    const policyId = created.data.createBenefitPolicy.id;
    expect(created.data.createBenefitPolicy).toMatchObject({
      grantCount: 0,
      issuingDepartment: { id: "dept-commerce" },
    });

    const first = await sqlCost(RUN, { policyId });
    const run = first.body.data.runBenefitMatching;
    expect(run).toMatchObject({ evaluatedCount: 3000, startedAt: NOW.toISOString(), policy: { id: policyId } });
    expect(run.grantedCount).toBe(run.eligibleCount);
    expect(run.grantedCount).toBeGreaterThan(1000);
    // policy, granted so far, 3 batches of 1 000 enterprises, the run, ≤ 3 batches of grants, plus the transaction.
    expect(first.statements).toBeLessThanOrEqual(12);

    const grantsBefore = await prisma.benefitGrant.count();
    const second = await sqlCost(RUN, { policyId });
    expect(second.body.data.runBenefitMatching).toMatchObject({
      evaluatedCount: 3000,
      eligibleCount: run.eligibleCount,
      grantedCount: 0,
    });
    expect(second.statements).toBeLessThanOrEqual(first.statements);
    expect(await prisma.benefitGrant.count()).toBe(grantsBefore);
    const policy = await query(
      `query P($id: ID!) { benefitPolicy(id: $id) { grantCount matchingRuns { grantedCount } } }`,
      {
        id: policyId,
      },
    );
    expect(policy.data.benefitPolicy.grantCount).toBe(run.grantedCount);
    expect(policy.data.benefitPolicy.matchingRuns.map((r: any) => r.grantedCount).sort()).toEqual(
      [0, run.grantedCount].sort(),
    );
  });

  it("grants each enterprise once when two runs of the same policy start together", async () => {
    const created = await query(CREATE_POLICY, policyInput({ field: "industryCode", eq: "H62" }), commerceDesk);
    const policyId = created.data.createBenefitPolicy.id;
    const runs = await Promise.all([query(RUN, { policyId }), query(RUN, { policyId })]);
    expect(runs.every((body) => body.errors === undefined)).toBe(true);
    const granted = runs.map((body) => body.data.runBenefitMatching.grantedCount);
    const eligible = runs[0]!.data.runBenefitMatching.eligibleCount;
    expect(granted.reduce((a, b) => a + b, 0)).toBe(eligible);
    expect(await prisma.benefitGrant.count({ where: { policyId } })).toBe(eligible);
  });

  it("lets only the issuing department write a policy, and it or the centre run one", async () => {
    const policies = await prisma.benefitPolicy.count();
    const wrong = await query(CREATE_POLICY, policyInput({ field: "isHighTech", eq: true }), officerOf("dept-science"));
    expect(errorCode(wrong)).toBe("FORBIDDEN");
    expect(wrong.errors?.[0].message).toMatch(
      /^Only an officer \(role officer\) of dept-commerce may create a benefit policy/,
    );
    expect(await prisma.benefitPolicy.count()).toBe(policies);
    const runs = await prisma.benefitMatchingRun.count();
    for (const principal of [residentPrincipal("resident-000123"), officerOf("dept-market")]) {
      expect(errorCode(await query(RUN, { policyId: policy(1) }, principal))).toBe("FORBIDDEN");
    }
    expect(await prisma.benefitMatchingRun.count()).toBe(runs);
    // policy-001 is issued by 区科委: its officers may run it (nothing new to grant).
    const science = await query(RUN, { policyId: policy(1) }, officerOf("dept-science"));
    expect(science.data.runBenefitMatching).toMatchObject({ grantedCount: 0, evaluatedCount: 3000 });
  });

  it("refuses to run an unknown policy or one that is not in force, and writes no run", async () => {
    const expired = await query(
      CREATE_POLICY,
      policyInput(
        { field: "isHighTech", eq: true },
        { validFrom: `${EDITION - 1}-01-01`, validTo: `${EDITION - 1}-12-31` },
      ),
      commerceDesk,
    );
    const runs = await prisma.benefitMatchingRun.count();
    const body = await query(RUN, { policyId: expired.data.createBenefitPolicy.id });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toContain(
      `is valid from ${EDITION - 1}-01-01 to ${EDITION - 1}-12-31, so it cannot grant anything on ${seedDay(-1)}`,
    );
    expect(errorCode(await query(RUN, { policyId: "policy-nope" }))).toBe("NOT_FOUND_ENTITY");
    expect(await prisma.benefitMatchingRun.count()).toBe(runs);
  });

  it("explains why an enterprise is or is not eligible, without granting", async () => {
    const grant = await prisma.benefitGrant.findFirstOrThrow({ where: { policyId: policy(6) } });
    const outsider = await prisma.enterprise.findFirstOrThrow({ where: { industryCode: "H62", parkId: null } });
    const body = await query(
      `query E($p: ID!, $yes: ID!, $no: ID!) {
        yes: benefitEligibility(policyId: $p, enterpriseId: $yes) { eligible reasons { description } failures { path } grant { id } }
        no: benefitEligibility(policyId: $p, enterpriseId: $no) { eligible reasons { path } failures { path field description } grant { id } }
        none: benefitEligibility(policyId: "policy-nope", enterpriseId: $no) { eligible }
      }`,
      { p: policy(6), yes: grant.enterpriseId, no: outsider.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.yes).toMatchObject({ eligible: true, failures: [], grant: { id: grant.id } });
    expect(body.data.yes.reasons).toHaveLength(3);
    expect(body.data.no).toMatchObject({ eligible: false, reasons: [], grant: null });
    expect(body.data.no.failures.map((f: any) => f.path)).toContain("criteria.all[0]");
    expect(body.data.no.failures[0].description).toBe("industryCode H62 in [L72, M74]");
    expect(body.data.none).toBeNull();
  });

  it("filters policies and grants, and walks a policy's grants with cursors", async () => {
    const body = await query(`{
      development: benefitPolicies(filter: { issuingDepartmentId: "dept-development" }) { nodes { id } }
      nextJune: benefitPolicies(filter: { inForceOn: "${EDITION + 1}-06-01" }) { nodes { id } }
      mine: benefitGrants(filter: { enterpriseId: "ent-000002" }) { nodes { enterprise { id } policy { id } } }
      badDate: benefitPolicies(filter: { inForceOn: "June" }) { totalCount }
    }`);
    // This year's editions, and next year's, published ahead of the new year.
    expect(body.data.development.nodes).toEqual(
      [policy(5), policy(8), policy(5, EDITION + 1), policy(8, EDITION + 1)].map((id) => ({ id })),
    );
    // Next June: every policy of next year's edition, and this year's catering relief, which runs July to June.
    expect(body.data.nextJune.nodes).toEqual(
      [policy(7), ...[1, 2, 3, 4, 5, 6, 8, 9].map((n) => policy(n, EDITION + 1))].map((id) => ({ id })),
    );
    expect(body.data.mine.nodes.every((g: any) => g.enterprise.id === "ent-000002")).toBe(true);
    expect(body.errors?.[0]).toMatchObject({ path: ["badDate"], extensions: { code: "BAD_USER_INPUT" } });
    const grants = await prisma.benefitGrant.count({ where: { policyId: policy(4) } });
    const { ids } = await walk("benefitGrants", `filter: { policyId: "${policy(4)}" }`, 20);
    expect(ids).toHaveLength(grants);
    expectSortedUnique(ids);
  });
});
