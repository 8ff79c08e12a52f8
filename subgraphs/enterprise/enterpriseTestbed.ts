/** What the enterprise subgraph's test files share: one seeded subgraph per file, query helpers and the seeded policy ids. */
import { afterAll, beforeAll, expect } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { officerIn as officerOf } from "../../test/rows/principals.ts";
import { seedInstant, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createEnterpriseSubgraph } from "./index.ts";
import type { EnterprisePrisma } from "./loaders.ts";

/** The policy edition in force on the seed date; the seed also publishes next year's (in force from 1 January). */
export const EDITION = Number(TEST_SEED_DATE.slice(0, 4));
export const policy = (n: number, edition = EDITION) => `policy-${edition}-${String(n).padStart(2, "0")}`;

/** The day before the window schedule (the three weeks from the seed date) starts, after the seeded history. */
export const NOW = seedInstant(-1, "10:00");
export const enterprise = createEnterpriseSubgraph({ now: () => NOW });

export let service: SubgraphService<EnterprisePrisma>;
export let prisma: EnterprisePrisma;

/** An officer at the centre's comprehensive window (综合窗口), who acts for enterprises and residents. */
export const windowDesk = officerOf("dept-admin-service");

export async function query(document: string, variables?: Record<string, unknown>, principal: Principal = windowDesk) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
export async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  const body = await query(document, variables);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

export function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/** Follows `pageInfo.endCursor` to the end of a list and returns every node id. */
export async function walk(list: string, args: string, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body = await query(
      `query Page($after: String) {
        ${list}(${args ? `${args}, ` : ""}first: ${pageSize}, after: $after) {
          edges { cursor node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data[list];
    pages += 1;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    if (page.edges.length > 0) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1).cursor);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ids, pages };
}

export function expectSortedUnique(ids: string[]) {
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual([...ids].sort());
}

export const representations = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));
export const entIds = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `ent-${String(from + i).padStart(6, "0")}`);

export const SUBMIT = /* GraphQL */ `
  mutation Submit($enterpriseId: ID!, $serviceId: ID!, $materials: [String!]!) {
    submitApplication(input: { enterpriseId: $enterpriseId, serviceId: $serviceId, materials: $materials }) {
      id status submittedAt allowedNextStatuses timeline { sequence status department { id } }
    }
  }
`;

export const ADVANCE = /* GraphQL */ `
  mutation Advance($id: ID!, $to: ServiceApplicationStatus!, $note: String) {
    advanceApplication(input: { applicationId: $id, toStatus: $to, note: $note }) {
      id status allowedNextStatuses currentItem { id name }
      timeline { sequence status at note department { id } serviceItem { id name } }
    }
  }
`;

export async function materialsOf(serviceId: string): Promise<string[]> {
  const body = await query(`query M($id: ID!) { bundledService(id: $id) { materials } }`, { id: serviceId });
  return body.data.bundledService.materials;
}

export async function submitted(enterpriseId: string, serviceId = "svc-open-business"): Promise<string> {
  const body = await query(SUBMIT, { enterpriseId, serviceId, materials: await materialsOf(serviceId) });
  expect(body.errors).toBeUndefined();
  return body.data.submitApplication.id;
}

/** Takes the next step as an officer of the department holding the application, as the workflow requires. */
export async function advance(id: string, to: string, note?: string) {
  const held = await query(`query H($id: ID!) { serviceApplication(id: $id) { handledBy { id } } }`, { id });
  const holder = held.data.serviceApplication?.handledBy?.id ?? "dept-admin-service";
  return query(ADVANCE, { id, to, note }, officerOf(holder));
}

export const RUN = /* GraphQL */ `
  mutation Run($policyId: ID!) {
    runBenefitMatching(input: { policyId: $policyId }) {
      id evaluatedCount eligibleCount grantedCount startedAt finishedAt policy { id }
    }
  }
`;

export const CREATE_POLICY = /* GraphQL */ `
  mutation Create($input: CreateBenefitPolicyInput!) {
    createBenefitPolicy(input: $input) { id name criteria amount validFrom validTo issuingDepartment { id } grantCount }
  }
`;

/** An officer of 区商务委, which issues the test policies. */
export const commerceDesk = officerOf("dept-commerce");

export function policyInput(criteria: unknown, overrides: Record<string, unknown> = {}) {
  return {
    input: {
      name: "测试政策",
      description: "测试用免申即享政策。",
      criteria,
      amount: 8_000,
      validFrom: `${EDITION}-01-01`,
      validTo: `${EDITION}-12-31`,
      issuingDepartmentId: "dept-commerce",
      ...overrides,
    },
  };
}

export const BOOK = /* GraphQL */ `
  mutation Book($input: BookWindowAppointmentInput!) {
    bookWindowAppointment(input: $input) {
      id status startsAt enterprise { id } resident { id } bundledService { id }
      window { id kind } slot { id bookedCount remaining }
    }
  }
`;

export const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!, $reason: String) {
    cancelWindowAppointment(input: { appointmentId: $id, reason: $reason }) {
      id status cancelledAt cancelReason slot { bookedCount }
    }
  }
`;

export const book = (input: Record<string, unknown>) => query(BOOK, { input });

/** A slot no seeded booking touched, so that its places are the test's to take. */
export async function emptySlot(windowId: string, dayFrom: string) {
  return prisma.windowSlot.findFirstOrThrow({
    where: { windowId, bookedCount: 0, startsAt: { gte: new Date(dayFrom) } },
    orderBy: { id: "asc" },
  });
}

/** Starts this file's subgraph before its tests and stops it after them; call it once at the top of a test file. */
export function useEnterpriseSubgraph(): void {
  beforeAll(async () => {
    service = await startTestSubgraph(enterprise, { seedDate: TEST_SEED_DATE });
    prisma = service.prisma;
  });
  afterAll(async () => {
    await service?.stop();
  });
}
