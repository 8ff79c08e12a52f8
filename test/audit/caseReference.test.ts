/**
 * The case a declared purpose served (x-og-case, issue #11) in the audit trail: the gateway's entry carries it, the
 * audit service stores it in the hash chain, an edit of it is named by verification, and records without a case hash
 * exactly as they did before the column existed (so the chains already written stay intact).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditEntry, toWire } from "../../gateway/audit/auditEntry.ts";
import { auditRecordSchema } from "../../lib/contracts/auditRecord.ts";
import { appendRecords, canonicalJson, contentOf, recordHash } from "../../subgraphs/audit/chain.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import { createAuditSubgraph } from "../../subgraphs/audit/index.ts";
import { verifyChain } from "../../subgraphs/audit/verifyChain.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  occurredAt: new Date("2026-12-01T02:00:00.000Z"),
  requestId: `req-${randomUUID()}`,
  principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
  applicationId: null,
  purpose: "medical-treatment",
  caseReference: "WJW-2026-000123",
  operationName: "Patient",
  operationHash: "c".repeat(64),
  fields: [{ coordinate: "Resident.idNumber", level: "sensitive", category: "identity", decision: "allowed" }],
  subjectResidentIds: ["resident-000003"],
  policyVersion: "42",
  ...overrides,
});

describe("case references in the audit trail", () => {
  let service: SubgraphService<PrismaClient>;
  beforeAll(async () => {
    service = await startTestSubgraph(createAuditSubgraph(), { seed: false });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("sends the case only when one was declared, and refuses one the audit service could not store", () => {
    expect(toWire(entry(), randomUUID()).caseReference).toBe("WJW-2026-000123");
    expect("caseReference" in toWire(entry({ caseReference: null }), randomUUID())).toBe(false);
    expect(() => toWire(entry({ caseReference: `WJW-${"1".repeat(70)}` }), randomUUID())).toThrow(/caseReference/);
  });

  it("hashes a record without a case exactly as before the column existed", () => {
    const record = auditRecordSchema.parse(toWire(entry({ caseReference: null }), randomUUID()));
    const content = contentOf(record, 1n);
    expect(canonicalJson(content)).not.toContain("caseReference");
    const { caseReference: _none, ...before } = content;
    expect(recordHash("0".repeat(64), content)).toBe(recordHash("0".repeat(64), before));
  });

  it("chains records with and without a case, and names the record whose case was edited", async () => {
    const records = [entry(), entry({ caseReference: null, purpose: "public-health" }), entry()].map((e) =>
      auditRecordSchema.parse(toWire(e, randomUUID())),
    );
    const appended = await appendRecords(service.db, records);
    expect(appended.appended).toBe(3);
    const stored = await service.prisma.dataAccessRecord.findMany({ orderBy: { sequence: "asc" } });
    expect(stored.map((r) => r.caseReference)).toEqual(["WJW-2026-000123", null, "WJW-2026-000123"]);
    expect((await verifyChain(service.db)).intact).toBe(true);

    await service.db.query(`UPDATE "DataAccessRecord" SET "caseReference" = 'WJW-2026-999999' WHERE "sequence" = 3`);
    const broken = await verifyChain(service.db);
    expect(broken.intact).toBe(false);
    expect(broken.firstBreak).toMatchObject({ sequence: "3", reason: "edited" });
    // Adding a case to a record that had none is an edit too.
    await service.db.query(`UPDATE "DataAccessRecord" SET "caseReference" = 'WJW-2026-000123' WHERE "sequence" = 3`);
    await service.db.query(`UPDATE "DataAccessRecord" SET "caseReference" = 'WJW-2026-000001' WHERE "sequence" = 2`);
    expect((await verifyChain(service.db)).firstBreak).toMatchObject({ sequence: "2", reason: "edited" });
  });
});
