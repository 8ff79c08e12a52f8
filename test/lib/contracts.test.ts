/**
 * The cross-service contracts (lib/contracts/): one schema per payload, imported by both ends. What each accepts,
 * what it refuses and how a refusal reads; and the principal kinds, whose subsets the subgraph schemas spell out as
 * GraphQL enums that must list exactly the same kinds.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { type EnumTypeDefinitionNode, Kind, parse } from "graphql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { policySetFrom } from "../../gateway/authorization/policySource.ts";
import { registryFrom } from "../../gateway/authorization/purposes.ts";
import { auditBatchSchema, auditRecordSchema, MAX_RECORDS_PER_BATCH } from "../../lib/contracts/auditRecord.ts";
import { PayloadRefused, parsePayload, pollFailureLogger } from "../../lib/contracts/payload.ts";
import { policySetSchema, UNREADABLE_RULE } from "../../lib/contracts/policySet.ts";
import {
  DISTRICT_KINDS,
  EXTERNAL_ISSUER_KINDS,
  GRANTABLE_KINDS,
  isDistrictKind,
  isPersonKind,
  kindEnumValues,
  LIMITED_KINDS,
  PEOPLE_KINDS,
  PRINCIPAL_KINDS,
} from "../../lib/contracts/principal.ts";
import { purposeRegistrySchema } from "../../lib/contracts/purposeRegistry.ts";
import { revokedSessionsSchema } from "../../lib/contracts/revokedSessions.ts";

const record = (overrides: Record<string, unknown> = {}) => ({
  recordId: randomUUID().toUpperCase(),
  occurredAt: "2026-12-01T10:00:00+08:00",
  requestId: "req-1",
  principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
  applicationId: null,
  purpose: "medical-treatment",
  operationName: "Patient",
  operationHash: "C".repeat(64),
  fields: [
    { coordinate: "Resident.phoneMasked", level: "SENSITIVE", category: "personal.contact", decision: "masked" },
  ],
  subjectResidentIds: ["resident-000003"],
  policyVersion: "42",
  ...overrides,
});

const refusal = (run: () => unknown): PayloadRefused => {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadRefused) return error;
    throw error;
  }
  throw new Error("the payload was accepted");
};

describe("the audit record contract", () => {
  it("normalises what the chain hash is computed from: lower-case ids and hash, a UTC instant, no case when none", () => {
    const input = record();
    const parsed = auditRecordSchema.parse({ ...input, extra: "dropped" });
    expect(parsed.recordId).toBe(input.recordId.toLowerCase());
    expect(parsed.operationHash).toBe("c".repeat(64));
    expect(parsed.occurredAt.toISOString()).toBe("2026-12-01T02:00:00.000Z");
    expect(parsed.caseReference).toBeNull();
    expect("extra" in parsed).toBe(false);
  });

  it("refuses a record missing a field, naming it", () => {
    const { policyVersion: _omitted, ...missing } = record();
    const result = auditRecordSchema.safeParse(missing);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["policyVersion"]);
  });

  it("refuses an unknown principal kind, an unknown decision, NUL and a lone surrogate", () => {
    const refused = [
      record({ principal: { id: "x", kind: "robot", departmentId: null } }),
      record({ fields: [{ coordinate: "Resident.name", level: "L", category: "c", decision: "shown" }] }),
      record({ requestId: "req\u0000" }),
      record({ purpose: "\uD800" }),
      record({ operationHash: "not-a-hash" }),
      record({ caseReference: `WJW-${"1".repeat(70)}` }),
    ];
    for (const candidate of refused) expect(auditRecordSchema.safeParse(candidate).success).toBe(false);
    for (const kind of PRINCIPAL_KINDS) {
      expect(auditRecordSchema.safeParse(record({ principal: { id: null, kind, departmentId: null } })).success).toBe(
        true,
      );
    }
  });

  it("takes batches of 1 to the service's limit", () => {
    expect(auditBatchSchema.safeParse({ records: [] }).success).toBe(false);
    expect(auditBatchSchema.safeParse({ records: [record()] }).success).toBe(true);
    const tooMany = Array.from({ length: MAX_RECORDS_PER_BATCH + 1 }, () => record());
    expect(auditBatchSchema.safeParse({ records: tooMany }).success).toBe(false);
  });
});

describe("the principal kinds", () => {
  it("derives every subset from the one list, and never lets the gateway's system principal in", () => {
    for (const subset of [PEOPLE_KINDS, DISTRICT_KINDS, GRANTABLE_KINDS, LIMITED_KINDS, EXTERNAL_ISSUER_KINDS]) {
      for (const kind of subset) expect(PRINCIPAL_KINDS).toContain(kind);
      expect(subset).not.toContain("system");
    }
    expect(LIMITED_KINDS).toEqual(PRINCIPAL_KINDS.filter((kind) => kind !== "system"));
    expect(DISTRICT_KINDS).toEqual([...PEOPLE_KINDS, "app"]);
    expect(isDistrictKind("anonymous")).toBe(false);
    expect(isPersonKind("app")).toBe(false);
    expect(isPersonKind("toString")).toBe(false);
    expect(kindEnumValues(PEOPLE_KINDS)).toEqual({
      RESIDENT: "resident",
      OFFICER: "officer",
      SECURITY_ADMIN: "security_admin",
      AUDITOR: "auditor",
      ENTERPRISE: "enterprise",
    });
  });

  const enumValues = (file: string, name: string) => {
    const definition = parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")).definitions.find(
      (node): node is EnumTypeDefinitionNode => node.kind === Kind.ENUM_TYPE_DEFINITION && node.name.value === name,
    );
    return definition?.values?.map((value) => value.name.value.toLowerCase()) ?? [];
  };

  it.each([
    ["subgraphs/audit/schema.graphql", "DataAccessorKind", PRINCIPAL_KINDS],
    // `me` is null for anonymous callers: every other kind.
    ["subgraphs/identity/schema.graphql", "IdentityPrincipalKind", PRINCIPAL_KINDS.filter((k) => k !== "anonymous")],
    ["subgraphs/identity/schema.graphql", "IdentityPersonKind", PEOPLE_KINDS],
    ["subgraphs/identity/schema.graphql", "AccessPrincipalKind", GRANTABLE_KINDS],
  ] as const)("%s: enum %s lists exactly its kinds", (file, name, kinds) => {
    expect(enumValues(file, name)).toEqual([...kinds]);
  });
});

describe("the policy set contract (GET /access/policies)", () => {
  const policy = (name: string, rule: unknown) => ({ name, version: 1, description: name, rule });

  it("keeps the set when one rule cannot be read: that policy alone allows nobody", () => {
    const payload = parsePayload("policy set", policySetSchema, {
      revision: 7,
      policies: [
        policy("visit-records", { anyOf: [{ kinds: ["officer"], departments: ["dept-health"] }] }),
        policy("newer-grammar", { anyOf: [{ kinds: ["officer"], moonPhase: "full" }] }),
      ],
    });
    const { set, unreadable } = policySetFrom(payload);
    expect(set.revision).toBe(7);
    expect(set.policies.get("visit-records")?.rule.anyOf).toHaveLength(1);
    expect(set.policies.get("newer-grammar")?.rule).toBe(UNREADABLE_RULE);
    expect(UNREADABLE_RULE.anyOf).toEqual([]);
    expect(unreadable).toEqual(["newer-grammar"]);
  });

  it("refuses a payload that breaks the contract, naming where", () => {
    expect(refusal(() => parsePayload("policy set", policySetSchema, { revision: "7", policies: [] })).where).toBe(
      "revision",
    );
    expect(refusal(() => parsePayload("policy set", policySetSchema, { revision: 7 })).where).toBe("policies");
    const badName = refusal(() =>
      parsePayload("policy set", policySetSchema, { revision: 7, policies: [policy("Visit Records", { anyOf: [] })] }),
    );
    expect(badName.where).toBe("policies.0.name");
    expect(badName.message).toMatch(/^The policy set payload does not match its contract at policies\.0\.name: /);
    expect(refusal(() => parsePayload("policy set", policySetSchema, null)).where).toBe("(body)");
  });
});

describe("the purpose registry contract (GET /access/purposes)", () => {
  const purpose = (name: string, overrides: Record<string, unknown> = {}) => ({
    name,
    version: 1,
    legalBasis: "PIPL art. 13(1)(3)",
    description: "Treatment of a patient.",
    kinds: ["officer"],
    roles: [],
    departments: ["dept-health"],
    requiresCase: true,
    retentionDays: 180,
    ...overrides,
  });

  it("leaves out a purpose it cannot read, so nobody may declare it, and keeps the rest", () => {
    const payload = parsePayload("purpose registry", purposeRegistrySchema, {
      revision: 3,
      purposes: [purpose("medical-treatment"), purpose("street-survey", { kinds: ["robot"] }), { name: 5 }],
    });
    const { registry, unreadable } = registryFrom(payload);
    expect([...registry.purposes.keys()]).toEqual(["medical-treatment"]);
    expect(registry.purposes.get("medical-treatment")).toMatchObject({ requiresCase: true, kinds: ["officer"] });
    expect(unreadable).toBe(2);
  });

  it("refuses a payload without a revision or a list", () => {
    expect(refusal(() => parsePayload("purpose registry", purposeRegistrySchema, { purposes: [] })).where).toBe(
      "revision",
    );
    expect(
      refusal(() => parsePayload("purpose registry", purposeRegistrySchema, { revision: 1, purposes: {} })).where,
    ).toBe("purposes");
  });
});

describe("the revoked-sessions contract (GET /oauth/revoked-sessions)", () => {
  it("takes sessions with an id and a whole epoch second, and refuses anything else whole", () => {
    expect(revokedSessionsSchema.parse({ sessions: [{ sid: "sess-1", until: 1_780_000_000 }] }).sessions).toHaveLength(
      1,
    );
    for (const [body, where] of [
      [{}, "sessions"],
      [{ sessions: [{ sid: 42, until: 1_780_000_000 }] }, "sessions.0.sid"],
      [{ sessions: [{ sid: "sess-1", until: 1_780_000_000.5 }] }, "sessions.0.until"],
      [{ sessions: [{ sid: "", until: 1 }] }, "sessions.0.sid"],
    ] as const) {
      const refused = refusal(() => parsePayload("revoked-sessions", revokedSessionsSchema, body));
      expect(refused.where).toBe(where);
      // The refusal names where and why, never the values (session ids are credentials of a kind).
      expect(refused.message).not.toContain("sess-1");
    }
  });
});

describe("a refused poll in the log", () => {
  it("warns once a minute per poller naming contract, place and problem, never the values; other failures are debug", () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    let clock = 0;
    const failed = pollFailureLogger(pino({ level: "debug" }, stream), "revoked sessions", { now: () => clock });
    const refused = refusal(() =>
      parsePayload("revoked-sessions", revokedSessionsSchema, { sessions: [{ sid: "sess-secret", until: "soon" }] }),
    );
    failed(refused);
    clock += 30_000;
    failed(refused);
    failed(new TypeError("fetch failed"));
    clock += 30_000;
    failed(refused);
    expect(lines.map((line) => line.level)).toEqual([40, 20, 20, 40]);
    expect(lines[0]).toMatchObject({
      contract: "revoked-sessions",
      where: "sessions.0.until",
      msg: "revoked sessions payload refused: it does not match its contract; the last good one stays in force",
    });
    expect(lines[2]?.msg).toBe("revoked sessions not refreshed");
    expect(JSON.stringify(lines)).not.toContain("sess-secret");
  });
});
