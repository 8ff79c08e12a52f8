import { describe, expect, it } from "vitest";
import {
  ANONYMOUS_PRINCIPAL,
  admin,
  auditor,
  clock,
  errorCode,
  gql,
  login,
  loginReplacing,
  officer,
  post,
  principalOf,
  prisma,
  refresh,
  resident,
  revokedSessions,
  sqlCost,
  useIdentitySubgraph,
  verifyAccessToken,
} from "./identityTestbed.ts";
import { currentHashCost } from "./passwords.ts";
import { countRows } from "./seed.ts";

useIdentitySubgraph();

describe("administration", () => {
  const CREATE = /* GraphQL */ `
    mutation Create($input: CreateIdentityPersonInput!) {
      createPerson(input: $input) {
        temporaryPassword
        person { id username displayName kind status roles scopes mustChangePassword department { id } jurisdiction { id } resident { id name } }
      }
    }
  `;

  async function tableCounts() {
    const { residents: _, ...rest } = await countRows(prisma);
    return {
      ...rest,
      refreshTokens: await prisma.refreshToken.count(),
      linked: await prisma.resident.count({ where: { personId: { not: null } } }),
    };
  }

  it("refuses every administrative mutation to residents and officers (FORBIDDEN naming the role) and writes nothing", async () => {
    const before = await tableCounts();
    const mutations = [
      `mutation { createPerson(input: { username: "x.forbidden", displayName: "某", kind: AUDITOR }) { temporaryPassword } }`,
      `mutation { disablePerson(id: "person-000002") { id } }`,
      `mutation { assignRoles(personId: "person-000001", roles: ["security_admin"]) { id } }`,
      `mutation { resetCredentials(personId: "person-000002") { temporaryPassword } }`,
      `mutation { registerIntegratorApp(input: { key: "sneaky", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["graph:read"] }) { clientSecret } }`,
      `mutation { rotateSigningKey { kid } }`,
    ];
    for (const caller of [resident, officer, auditor]) {
      for (const mutation of mutations) {
        const body = await gql(mutation, {}, caller);
        expect(errorCode(body)).toBe("FORBIDDEN");
        expect(body.errors?.[0].message).toContain("needs the role security_admin");
      }
    }
    expect(errorCode(await gql(mutations[0] as string, {}, ANONYMOUS_PRINCIPAL))).toBe("AUTHENTICATION_REQUIRED");
    for (const query of [
      `{ people { totalCount } }`,
      `{ loginAttempts { totalCount } }`,
      `{ integratorApps { totalCount } }`,
    ]) {
      const body = await gql(query, {}, officer);
      expect(errorCode(body)).toBe("FORBIDDEN");
      expect(body.errors?.[0].message).toContain("security_admin or auditor");
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("creates an officer with a one-time password that must be changed, and the account logs in", async () => {
    const body = await gql(
      CREATE,
      {
        input: {
          username: "Xu.Jing.Sports",
          displayName: "徐静",
          kind: "OFFICER",
          departmentId: "dept-sports",
          streetIds: ["street-daninglu", "street-pengpu"],
        },
      },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const { person, temporaryPassword } = body.data.createPerson;
    expect(person).toEqual({
      id: expect.stringMatching(/^person-00[0-9]{4}$/),
      username: "xu.jing.sports",
      displayName: "徐静",
      kind: "OFFICER",
      status: "ACTIVE",
      roles: ["officer"],
      scopes: ["catalog:read", "clearance:personal", "graph:read", "sports:read"],
      mustChangePassword: true,
      department: { id: "dept-sports" },
      jurisdiction: [{ id: "street-daninglu" }, { id: "street-pengpu" }],
      resident: null,
    });
    expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    const stored = await prisma.person.findUniqueOrThrow({ where: { id: person.id } });
    // At the cost this process hashes with: npm test's (test/support/setup.ts); the production cost in passwords.test.ts.
    const { n, r, p } = currentHashCost();
    expect(stored.passwordHash).toMatch(
      new RegExp(`^scrypt\\$${n}\\$${r}\\$${p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`),
    );
    // The one-time password is right, and opens nothing until replaced (subgraphs/identity/productionSafety.test.ts).
    const session = await login("xu.jing.sports", temporaryPassword);
    expect(session).toMatchObject({ status: 400, body: { error: "password_change_required" } });
  });

  it("links a resident's new account to their record, once", async () => {
    const body = await gql(
      CREATE,
      { input: { username: "wang.fang", displayName: "王芳", kind: "RESIDENT", residentId: "resident-000777" } },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createPerson.person).toMatchObject({
      kind: "RESIDENT",
      roles: ["resident"],
      resident: { id: "resident-000777" },
    });
    const session = await loginReplacing("wang.fang", body.data.createPerson.temporaryPassword);
    expect((await verifyAccessToken(session.body.access_token)).rid).toBe("resident-000777");
  });

  it("refuses invalid accounts with BAD_USER_INPUT and writes nothing", async () => {
    const before = await tableCounts();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: "zhang.wei", displayName: "张伟", kind: "AUDITOR" }, "is taken"],
      [{ username: "9lives", displayName: "某", kind: "AUDITOR" }, "is not allowed"],
      [
        { username: "x.roles", displayName: "某", kind: "AUDITOR", roles: ["superuser"] },
        "cannot be given to a person",
      ],
      [{ username: "x.integrator", displayName: "某", kind: "AUDITOR", roles: ["integrator"] }, "cannot be given"],
      [{ username: "x.nodept", displayName: "某", kind: "OFFICER" }, "needs a department"],
      [
        {
          username: "x.street",
          displayName: "某",
          kind: "OFFICER",
          departmentId: "dept-health",
          streetIds: ["street-nowhere"],
        },
        "not one of the 14 street ids",
      ],
      [
        { username: "x.linked", displayName: "某", kind: "RESIDENT", residentId: "resident-000001" },
        "already has an account",
      ],
      [{ username: "x.ghost", displayName: "某", kind: "RESIDENT", residentId: "resident-070000" }, "no resident"],
      [{ username: "x.noresident", displayName: "某", kind: "RESIDENT" }, "needs residentId"],
      [{ username: "x.blank", displayName: "  ", kind: "AUDITOR" }, "displayName"],
    ];
    for (const [input, message] of cases) {
      const body = await gql(CREATE, { input }, admin);
      expect(errorCode(body), JSON.stringify(input)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0].message).toContain(message);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("assigns roles, which the next token carries, and refuses unknown roles or taking one's own admin role", async () => {
    const ASSIGN = `mutation A($personId: ID!, $roles: [String!]!) { assignRoles(personId: $personId, roles: $roles) { id roles scopes } }`;
    const body = await gql(ASSIGN, { personId: "person-000005", roles: ["officer", "auditor"] }, admin);
    expect(body.data.assignRoles).toEqual({
      id: "person-000005",
      roles: ["auditor", "officer"],
      scopes: ["audit:read", "catalog:read", "clearance:sensitive", "education:read", "graph:read", "identity:read"],
    });
    const session = await login("officer.education", "Officer#2026");
    expect((await verifyAccessToken(session.body.access_token)).roles).toEqual(["auditor", "officer"]);

    const before = await prisma.personRole.findMany({ orderBy: [{ personId: "asc" }, { roleName: "asc" }] });
    const failures: Array<[Record<string, unknown>, string, string]> = [
      [{ personId: "person-000005", roles: ["root"] }, "BAD_USER_INPUT", "cannot be given"],
      [{ personId: "person-000005", roles: [] }, "BAD_USER_INPUT", "at least one role"],
      [{ personId: "person-000006", roles: ["auditor"] }, "BAD_USER_INPUT", "from yourself"],
      [{ personId: "person-999999", roles: ["auditor"] }, "NOT_FOUND_ENTITY", "no account"],
    ];
    for (const [variables, code, message] of failures) {
      const failed = await gql(ASSIGN, variables, admin);
      expect(errorCode(failed)).toBe(code);
      expect(failed.errors?.[0].message).toContain(message);
    }
    expect(await prisma.personRole.findMany({ orderBy: [{ personId: "asc" }, { roleName: "asc" }] })).toEqual(before);
    await gql(ASSIGN, { personId: "person-000005", roles: ["officer"] }, admin);
  });

  it("resets credentials: the old password and sessions die, the one-time password must be replaced first", async () => {
    const created = await gql(CREATE, { input: { username: "reset.me", displayName: "陆静", kind: "AUDITOR" } }, admin);
    const { id } = created.data.createPerson.person;
    const first = created.data.createPerson.temporaryPassword;
    expect((await login("reset.me", first)).body.error).toBe("password_change_required");
    const second = await loginReplacing("reset.me", first, "Jingan-audit-2027");
    expect(second.status).toBe(200);
    const principal = principalOf(second.body.access_token);
    expect((await gql(`{ me { mustChangePassword } }`, {}, principal)).data.me.mustChangePassword).toBe(false);
    expect((await login("reset.me", first)).body.error).toBe("invalid_grant");

    const weak = await gql(
      `mutation { changeMyPassword(currentPassword: "Jingan-audit-2027", newPassword: "short1") }`,
      {},
      principal,
    );
    expect(errorCode(weak)).toBe("BAD_USER_INPUT");
    const wrongCurrent = await gql(
      `mutation { changeMyPassword(currentPassword: "not-it", newPassword: "Another-strong-2028") }`,
      {},
      principal,
    );
    expect(errorCode(wrongCurrent)).toBe("INVALID_CREDENTIALS");

    const reset = await gql(
      `mutation R($id: ID!) { resetCredentials(personId: $id) { temporaryPassword person { id mustChangePassword } } }`,
      { id },
      admin,
    );
    expect(reset.data.resetCredentials.person).toEqual({ id, mustChangePassword: true });
    expect((await login("reset.me", "Jingan-audit-2027")).body.error).toBe("invalid_grant");
    expect((await refresh(second.body.refresh_token)).body.error).toBe("invalid_grant");
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(
      principalOf(second.body.access_token).sessionId,
    );
    expect((await login("reset.me", reset.data.resetCredentials.temporaryPassword)).body.error).toBe(
      "password_change_required",
    );
    const missing = await gql(
      `mutation { resetCredentials(personId: "person-999999") { temporaryPassword } }`,
      {},
      admin,
    );
    expect(errorCode(missing)).toBe("NOT_FOUND_ENTITY");
  });

  it("disables and enables accounts, refusing one's own, an unknown id and a repeated change", async () => {
    const DISABLE = `mutation D($id: ID!) { disablePerson(id: $id) { id status disabledAt } }`;
    const ENABLE = `mutation E($id: ID!) { enablePerson(id: $id) { id status disabledAt } }`;
    expect(errorCode(await gql(DISABLE, { id: "person-000006" }, admin))).toBe("INVALID_STATE_TRANSITION");
    expect(errorCode(await gql(DISABLE, { id: "person-999999" }, admin))).toBe("NOT_FOUND_ENTITY");
    const disabled = await gql(DISABLE, { id: "person-000101" }, admin);
    expect(disabled.data.disablePerson).toEqual({
      id: "person-000101",
      status: "DISABLED",
      disabledAt: clock.toISOString(),
    });
    expect(errorCode(await gql(DISABLE, { id: "person-000101" }, admin))).toBe("INVALID_STATE_TRANSITION");
    const enabled = await gql(ENABLE, { id: "person-000101" }, admin);
    expect(enabled.data.enablePerson).toEqual({ id: "person-000101", status: "ACTIVE", disabledAt: null });
    expect(errorCode(await gql(ENABLE, { id: "person-000101" }, admin))).toBe("INVALID_STATE_TRANSITION");
  });

  it("registers an integrator app whose secret is shown once and works for client credentials", async () => {
    const REGISTER = `mutation R($input: RegisterIntegratorAppInput!) {
      registerIntegratorApp(input: $input) { clientId clientSecret app { id name allowedScopes status ownerDepartment { id } } }
    }`;
    const body = await gql(
      REGISTER,
      {
        input: {
          key: "sports-booking",
          name: "体育场馆预订系统",
          ownerDepartmentId: "dept-sports",
          allowedScopes: ["sports:read", "graph:read"],
        },
      },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const { clientId, clientSecret, app } = body.data.registerIntegratorApp;
    expect(app).toEqual({
      id: "app-sports-booking",
      name: "体育场馆预订系统",
      allowedScopes: ["graph:read", "sports:read"],
      status: "ACTIVE",
      ownerDepartment: { id: "dept-sports" },
    });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await prisma.integratorApp.findUniqueOrThrow({ where: { id: app.id } });
    expect(JSON.stringify(stored)).not.toContain(clientSecret);
    const token = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(token.status).toBe(200);
    expect((await verifyAccessToken(token.body.access_token)).sub).toBe("app-sports-booking");

    const before = await prisma.integratorApp.count();
    const failures: Array<[Record<string, unknown>, string]> = [
      [
        { key: "sports-booking", name: "再来", ownerDepartmentId: "dept-sports", allowedScopes: ["graph:read"] },
        "exists already",
      ],
      [
        { key: "admin-tool", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["identity:admin"] },
        "cannot be given to an application",
      ],
      [{ key: "no-scope", name: "x", ownerDepartmentId: "dept-data", allowedScopes: [] }, "at least one scope"],
      [
        { key: "bad-dept", name: "x", ownerDepartmentId: "health", allowedScopes: ["graph:read"] },
        "not a department id",
      ],
      [{ key: "Bad Key", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["graph:read"] }, "is not allowed"],
    ];
    for (const [input, message] of failures) {
      const failed = await gql(REGISTER, { input }, admin);
      expect(errorCode(failed)).toBe("BAD_USER_INPUT");
      expect(failed.errors?.[0].message).toContain(message);
    }
    expect(await prisma.integratorApp.count()).toBe(before);
  });
});
describe("account lists", () => {
  const PEOPLE = /* GraphQL */ `
    query People($filter: IdentityPersonFilter, $first: Int, $after: String) {
      people(filter: $filter, first: $first, after: $after) {
        totalCount
        edges { cursor node { id username kind status roles scopes department { id } jurisdiction { id } resident { id } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  `;

  it("filters accounts by kind, status, department, role and part of the username", async () => {
    const count = async (filter: Record<string, unknown>) =>
      (
        await gql(
          `query P($filter: IdentityPersonFilter) { people(filter: $filter) { totalCount } }`,
          { filter },
          auditor,
        )
      ).data.people.totalCount;
    expect(await count({ kind: "SECURITY_ADMIN" })).toBe(1);
    expect(await count({ role: "auditor" })).toBeGreaterThanOrEqual(1);
    expect(await count({ departmentId: "dept-health" })).toBe(26);
    expect(await count({ departmentId: "dept-street-linfenlu" })).toBe(6);
    expect(await count({ status: "DISABLED", kind: "OFFICER" })).toBeGreaterThanOrEqual(8);
    // The four seeded officer.* accounts, and one this test adds (it needs no other test to have run first).
    expect(await count({ usernameContains: "OFFICER." })).toBe(4);
    const created = await gql(
      `mutation { createPerson(input: { username: "listed.officer.temp", displayName: "顾敏", kind: OFFICER, departmentId: "dept-sports" }) { person { id } } }`,
      {},
      admin,
    );
    expect(created.errors).toBeUndefined();
    expect(await count({ usernameContains: "OFFICER." })).toBe(5);
  });

  it("walks every account with cursors, once each, in id order", async () => {
    const total = await prisma.person.count();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await gql(PEOPLE, { first: 50, after }, admin);
      const page = body.data.people;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());
  });

  it("answers a foreign cursor or a page size out of range with a coded error", async () => {
    const apps = await gql(`{ integratorApps(first: 1) { pageInfo { endCursor } } }`, {}, admin);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: apps.data.integratorApps.pageInfo.endCursor }, "INVALID_CURSOR"],
      [{ first: 5, after: "garbage" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 101 }, "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [variables, code] of cases) expect(errorCode(await gql(PEOPLE, variables, admin))).toBe(code);
  });

  it("loads roles, scopes, departments and residents of 10 or 100 accounts with the same SQL statements", async () => {
    const small = await sqlCost(PEOPLE, { first: 10 }, admin);
    const large = await sqlCost(PEOPLE, { first: 100 }, admin);
    expect(large.body.data.people.edges).toHaveLength(100);
    expect(large.statements).toBe(small.statements);
    // Page, count, person roles with their roles, memberships, residents.
    expect(small.statements).toBe(6);
    const zhang = small.body.data.people.edges[0].node;
    expect(zhang).toMatchObject({ id: "person-000001", resident: { id: "resident-000001" }, roles: ["resident"] });
  });

  it("lists integrator apps for security admins and auditors", async () => {
    const body = await gql(
      `{ integratorApps { nodes { id clientId allowedScopes ownerDepartment { id } } } }`,
      {},
      auditor,
    );
    expect(body.data.integratorApps.nodes.map((a: any) => a.id)).toEqual([
      "app-parking-integrator",
      "app-portal",
      "app-sports-booking",
    ]);
  });
});
