/**
 * The catalogue as the system of record: owners maintain their entries through mutations, with history; everyone
 * else is refused with DATA_RESOURCE_NOT_OWNED; freshness (lastUpdatedAt) comes from the entry's recorded refreshes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { officerIn, personWithRole } from "../../test/rows/principals.ts";
import { residentPrincipal } from "../../test/support/envelope.ts";
import { seedDay, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import { addDays, shanghaiInstant } from "../kit/seedCalendar.ts";
import type { SubgraphService } from "../kit/service.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import catalogModule from "./index.ts";

let service: SubgraphService<PrismaClient>;

beforeAll(async () => {
  service = await startTestSubgraph(catalogModule, { seedDate: TEST_SEED_DATE });
});

afterAll(async () => {
  await service?.stop();
});

const health = officerIn("dept-health");

async function query(text: string, variables: Record<string, unknown>, principal: Principal = health) {
  return (await graphql(service.url, text, variables, {}, { principal })).body;
}

const errorCode = (body: { errors?: any[] }) => body.errors?.[0]?.extensions?.code;

const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateDataResourceInput!) {
    updateDataResource(input: $input) {
      id description classification openStatus openConditions keywords lastUpdatedAt
      updates(first: 5) { kind at note byAdministrator department { id } changes { field from to } }
    }
  }
`;

const REFRESH = /* GraphQL */ `
  mutation Refresh($input: RecordDataResourceRefreshInput!) {
    recordDataResourceRefresh(input: $input) { id kind at note department { id } byAdministrator changes { field } }
  }
`;

const FRESHNESS = /* GraphQL */ `
  query Freshness($id: ID!) { dataResource(id: $id) { lastUpdatedAt updatedAt updates { kind at } } }
`;

/** 医疗机构名录 (res-0011), owned by 区卫健委. */
const HOSPITALS = "res-0011";

describe("maintaining an entry (编目变更)", () => {
  it("lets the owning department's officer change an entry and records what changed, by whom, in its history", async () => {
    const before = await service.prisma.dataResource.findUniqueOrThrow({ where: { id: HOSPITALS } });
    const body = await query(UPDATE, {
      input: {
        id: HOSPITALS,
        description: "全区医疗机构的名称、地址、类别与诊疗科目。",
        keywords: ["医院", "诊所"],
        note: "补充诊疗科目",
      },
    });
    expect(body.errors).toBeUndefined();
    const entry = body.data.updateDataResource;
    expect(entry.description).toBe("全区医疗机构的名称、地址、类别与诊疗科目。");
    expect(entry.keywords).toEqual(["医院", "诊所"]);
    expect(entry.updates[0]).toMatchObject({
      kind: "ENTRY_CHANGED",
      note: "补充诊疗科目",
      byAdministrator: false,
      department: { id: "dept-health" },
      changes: [
        { field: "description", from: before.description, to: "全区医疗机构的名称、地址、类别与诊疗科目。" },
        { field: "keywords", from: before.keywords.join(" "), to: "医院 诊所" },
      ],
    });
    // Changing the entry is not a refresh of the data: freshness stays.
    const seeded = await query(FRESHNESS, { id: HOSPITALS });
    expect(seeded.data.dataResource.lastUpdatedAt).toBe(entry.lastUpdatedAt);
  });

  it("refuses officers of other departments and residents with coded 403s, and writes nothing", async () => {
    const history = await service.prisma.dataResourceUpdate.count({ where: { resourceId: HOSPITALS } });
    const input = { id: HOSPITALS, description: "别人的改动" };
    const other = await query(UPDATE, { input }, officerIn("dept-education"));
    expect(errorCode(other)).toBe("DATA_RESOURCE_NOT_OWNED");
    expect(other.errors?.[0].message).toContain("owned by dept-health");
    expect(other.errors?.[0].message).toContain("an officer of dept-education");
    const refresh = await query(REFRESH, { input: { resourceId: HOSPITALS } }, officerIn("dept-data"));
    expect(errorCode(refresh)).toBe("DATA_RESOURCE_NOT_OWNED");
    const resident = await query(UPDATE, { input }, residentPrincipal("resident-000001"));
    expect(errorCode(resident)).toBe("FORBIDDEN");
    expect(await service.prisma.dataResourceUpdate.count({ where: { resourceId: HOSPITALS } })).toBe(history);
    expect((await service.prisma.dataResource.findUniqueOrThrow({ where: { id: HOSPITALS } })).description).not.toBe(
      "别人的改动",
    );
  });

  it("lets a security administrator change any entry, recorded as an administrator's change", async () => {
    const body = await query(
      UPDATE,
      { input: { id: "res-0021", format: "XLSX", note: "格式统一" } },
      personWithRole("security_admin"),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.updateDataResource.updates[0]).toMatchObject({
      kind: "ENTRY_CHANGED",
      byAdministrator: true,
      department: null,
    });
  });

  it("holds the grade rules and refuses a change that changes nothing or an unknown entry", async () => {
    const sensitive = await service.prisma.dataResource.findFirstOrThrow({
      where: { ownerDepartmentId: "dept-health", classification: "SENSITIVE" },
    });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ id: sensitive.id, openStatus: "OPEN" }, "BAD_USER_INPUT", "cannot be OPEN"],
      [{ id: HOSPITALS, openStatus: "CONDITIONAL" }, "BAD_USER_INPUT", "needs openConditions"],
      [{ id: HOSPITALS, keywords: ["医院", "诊所"] }, "BAD_USER_INPUT", "changes nothing"],
      [{ id: HOSPITALS, fieldCount: 0 }, "BAD_USER_INPUT", "from 1 to 1000"],
      [{ id: "res-9999", description: "x" }, "NOT_FOUND_ENTITY", "no catalogue entry"],
    ];
    for (const [input, code, message] of cases) {
      const body = await query(UPDATE, { input });
      expect([JSON.stringify(input), errorCode(body)]).toEqual([JSON.stringify(input), code]);
      expect(body.errors?.[0].message).toContain(message);
    }
    const conditional = await query(UPDATE, {
      input: { id: HOSPITALS, openStatus: "CONDITIONAL", openConditions: "限医疗服务研究用途。" },
    });
    expect(conditional.data.updateDataResource).toMatchObject({
      openStatus: "CONDITIONAL",
      openConditions: "限医疗服务研究用途。",
    });
  });
});

describe("cataloguing a new entry (编目)", () => {
  const CREATE = /* GraphQL */ `
    mutation Create($input: CreateDataResourceInput!) {
      createDataResource(input: $input) {
        id code name ownerDepartment { id } street { id } classification openStatus lastUpdatedAt publishedAt
        updates { kind note department { id } changes { field from to } }
      }
    }
  `;
  const entry = {
    name: "家庭医生签约居民健康随访计划",
    description: "家庭医生团队对签约居民的随访计划与执行情况。",
    authoritativeSource: "社区卫生服务信息系统",
    classification: "INTERNAL",
    openStatus: "NOT_OPEN",
    updateFrequency: "WEEKLY",
    format: "数据库表",
    fieldCount: 14,
    keywords: ["家庭医生", "随访"],
    streetId: "street-linfenlu",
  };

  it("catalogues for the officer's own department, continuing its code sequence, with the creation in its history", async () => {
    const last = await service.prisma.dataResource.findFirstOrThrow({
      where: { code: { startsWith: "JA-HEALTH-" } },
      orderBy: { code: "desc" },
    });
    const body = await query(CREATE, { input: entry });
    expect(body.errors).toBeUndefined();
    const created = body.data.createDataResource;
    const next = Number(last.code.slice("JA-HEALTH-".length)) + 1;
    expect(created).toMatchObject({
      code: `JA-HEALTH-${String(next).padStart(4, "0")}`,
      name: entry.name,
      ownerDepartment: { id: "dept-health" },
      street: { id: "street-linfenlu" },
    });
    expect(created.lastUpdatedAt).toBe(created.publishedAt);
    expect(created.updates).toHaveLength(1);
    expect(created.updates[0]).toMatchObject({
      kind: "ENTRY_CHANGED",
      note: "编目",
      department: { id: "dept-health" },
    });
    expect(created.updates[0].changes).toContainEqual({ field: "classification", from: null, to: "INTERNAL" });
  });

  it("refuses an officer cataloguing for another department, and lets a security administrator name the owner", async () => {
    const forOther = await query(CREATE, {
      input: { ...entry, name: "别部门的目录", ownerDepartmentId: "dept-culture" },
    });
    expect(errorCode(forOther)).toBe("DATA_RESOURCE_NOT_OWNED");
    expect(await service.prisma.dataResource.count({ where: { name: "别部门的目录" } })).toBe(0);
    const admin = personWithRole("security_admin");
    const unnamed = await query(CREATE, { input: { ...entry, name: "管理员编目" } }, admin);
    expect(errorCode(unnamed)).toBe("BAD_USER_INPUT");
    const named = await query(
      CREATE,
      { input: { ...entry, name: "管理员编目", ownerDepartmentId: "dept-culture", streetId: null } },
      admin,
    );
    expect(named.errors).toBeUndefined();
    expect(named.data.createDataResource).toMatchObject({ ownerDepartment: { id: "dept-culture" }, street: null });
    expect(named.data.createDataResource.code).toMatch(/^JA-CULTURE-\d{4}$/);
  });

  it("holds the grade rules and refuses an unknown street", async () => {
    const open = await query(CREATE, { input: { ...entry, classification: "SENSITIVE", openStatus: "OPEN" } });
    expect(errorCode(open)).toBe("BAD_USER_INPUT");
    const street = await query(CREATE, { input: { ...entry, streetId: "street-nowhere" } });
    expect(errorCode(street)).toBe("NOT_FOUND_ENTITY");
  });
});

describe("freshness from the data (lastUpdatedAt)", () => {
  it("is the latest seeded refresh relative to the seed date, not a frozen publication date", async () => {
    const daily = await service.prisma.dataResource.findFirstOrThrow({
      where: { updateFrequency: "DAILY", ownerDepartmentId: "dept-health" },
    });
    const body = await query(FRESHNESS, { id: daily.id });
    expect(body.data.dataResource.lastUpdatedAt).toBe(shanghaiInstant(TEST_SEED_DATE, "02:00").toISOString());
    expect(body.data.dataResource.updatedAt).toBe(body.data.dataResource.lastUpdatedAt);
    expect(body.data.dataResource.updates.map((u: any) => u.at)).toEqual([
      shanghaiInstant(TEST_SEED_DATE, "02:00").toISOString(),
      shanghaiInstant(seedDay(-1), "02:00").toISOString(),
      shanghaiInstant(seedDay(-2), "02:00").toISOString(),
    ]);
    // Every resource has been refreshed within its period before the seed date.
    const yearly = await service.prisma.dataResource.findFirstOrThrow({ where: { updateFrequency: "YEARLY" } });
    const last = new Date((await query(FRESHNESS, { id: yearly.id })).data.dataResource.lastUpdatedAt);
    expect(last.getTime()).toBeGreaterThan(shanghaiInstant(addDays(TEST_SEED_DATE, -366), "00:00").getTime());
  });

  it("follows the refreshes the owner records, refusing one in the future or before the entry existed", async () => {
    const at = shanghaiInstant(TEST_SEED_DATE, "09:30").toISOString();
    const body = await query(REFRESH, { input: { resourceId: "res-0013", at, note: "号源同步" } });
    expect(body.errors).toBeUndefined();
    expect(body.data.recordDataResourceRefresh).toMatchObject({
      kind: "DATA_REFRESHED",
      at,
      note: "号源同步",
      department: { id: "dept-health" },
      changes: [],
    });
    const fresh = await query(FRESHNESS, { id: "res-0013" });
    expect(fresh.data.dataResource.lastUpdatedAt).toBe(at);
    expect(fresh.data.dataResource.updates[0]).toEqual({ kind: "DATA_REFRESHED", at });

    const future = await query(REFRESH, { input: { resourceId: "res-0013", at: "2999-01-01T00:00:00+08:00" } });
    expect(errorCode(future)).toBe("BAD_USER_INPUT");
    const ancient = await query(REFRESH, { input: { resourceId: "res-0013", at: "2000-01-01T00:00:00+08:00" } });
    expect(errorCode(ancient)).toBe("BAD_USER_INPUT");
    const tooMany = await query(`query { dataResource(id: "res-0013") { updates(first: 0) { id } } }`, {});
    expect(errorCode(tooMany)).toBe("PAGE_SIZE_OUT_OF_RANGE");
  });

  it("rolls forward with a later seed date, keeping the refreshes and changes recorded since", async () => {
    const later = addDays(TEST_SEED_DATE, 7);
    const daily = await service.prisma.dataResource.findFirstOrThrow({
      where: { updateFrequency: "DAILY", ownerDepartmentId: "dept-health" },
    });
    const recorded = await service.prisma.dataResourceUpdate.findMany({ where: { synthetic: false } });
    await catalogModule.seed(service.prisma, service.db, { date: later, previousDates: [TEST_SEED_DATE] });
    const body = await query(FRESHNESS, { id: daily.id });
    expect(body.data.dataResource.lastUpdatedAt).toBe(shanghaiInstant(later, "02:00").toISOString());
    expect(await service.prisma.dataResourceUpdate.findMany({ where: { synthetic: false } })).toEqual(recorded);
  });
});
