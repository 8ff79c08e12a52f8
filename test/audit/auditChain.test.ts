/**
 * Tamper evidence and retention of the audit chain, on the test tier's database: editing, deleting, reordering or
 * forging a record makes verification fail and name it; pruning past retention keeps verification green.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.ts";
import { type AuditRecordInput, auditRecordSchema } from "../../lib/contracts/auditRecord.ts";
import type { Principal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import {
  appendRecords,
  canonicalJson,
  contentOfRow,
  GENESIS_HASH,
  RECORD_COLUMNS,
  recordHash,
  type StoredRecordRow,
} from "../../subgraphs/audit/chain.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import { createAuditSubgraph } from "../../subgraphs/audit/index.ts";
import { auditOptionsFromEnvironment } from "../../subgraphs/audit/options.ts";
import { AuditChainBrokenError, pruneAuditTrail } from "../../subgraphs/audit/retention.ts";
import { seed } from "../../subgraphs/audit/seed.ts";
import { verifyChain } from "../../subgraphs/audit/verifyChain.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { gatewayCaller, officerOf, signedHeaders } from "../support/envelope.ts";
import { seedInstant, TEST_SEED_DATE } from "../support/seedDate.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

let service: SubgraphService<PrismaClient>;
let clock = seedInstant(-2, "20:00");
const auditor: Principal = { ...officerOf("dept-data"), kind: "auditor", roles: ["auditor"] };

beforeAll(async () => {
  service = await startTestSubgraph(createAuditSubgraph({ now: () => clock, pruneIntervalMs: 1 }), {
    seedDate: TEST_SEED_DATE,
  });
});

afterAll(async () => {
  await service?.stop();
});

const sql = <Row = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  service.db.query<Row>(text, params);
const verify = () => verifyChain(service.db, { pageSize: 7 });

async function recordIdAt(sequence: number): Promise<string> {
  const [row] = await sql(`SELECT "recordId"::text AS id FROM "DataAccessRecord" WHERE "sequence" = $1`, [sequence]);
  return (row as { id: string }).id;
}

/** Runs a tampering, checks what verification says, then puts the table back exactly as it was. */
async function tamper(sequences: number[], change: () => Promise<void>): Promise<Awaited<ReturnType<typeof verify>>> {
  await sql(`DROP TABLE IF EXISTS "TamperBackup"`);
  await sql(`CREATE TABLE "TamperBackup" AS SELECT * FROM "DataAccessRecord" WHERE "sequence" = ANY($1::bigint[])`, [
    sequences,
  ]);
  try {
    await change();
    return await verify();
  } finally {
    await sql(
      `DELETE FROM "DataAccessRecord" WHERE "sequence" = ANY($1::bigint[]) OR "recordId" IN (SELECT "recordId" FROM "TamperBackup")`,
      [sequences],
    );
    await sql(`INSERT INTO "DataAccessRecord" SELECT * FROM "TamperBackup"`);
    await sql(`DROP TABLE "TamperBackup"`);
    expect((await verify()).intact).toBe(true);
  }
}

function record(occurredAt: Date, overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    recordId: randomUUID(),
    occurredAt: occurredAt.toISOString(),
    requestId: `req-${randomUUID()}`,
    principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
    applicationId: null,
    purpose: "medical-treatment",
    operationName: "ResidentAppointments",
    operationHash: "b".repeat(64),
    fields: [{ coordinate: "Resident.name", level: "SENSITIVE", category: "personal.identity", decision: "allowed" }],
    subjectResidentIds: ["resident-000001"],
    policyVersion: "test-policy-1",
    ...overrides,
  };
}

describe("tamper evidence", () => {
  it("starts from an intact chain of the seeded records, linked from the genesis", async () => {
    const verification = await verify();
    expect(verification).toMatchObject({ intact: true, firstBreak: null, start: { sequence: "0", checkpoint: false } });
    expect(verification.checkedRecords).toBe(await service.prisma.dataAccessRecord.count());
    const first = await service.prisma.dataAccessRecord.findUniqueOrThrow({ where: { sequence: 1n } });
    expect(first.prevHash).toBe(GENESIS_HASH);
  });

  it("fails verification naming the record when one record's content is edited in the database", async () => {
    const id = await recordIdAt(7);
    const verification = await tamper([7], async () => {
      await sql(`UPDATE "DataAccessRecord" SET "purpose" = 'curiosity' WHERE "sequence" = 7`);
    });
    expect(verification.intact).toBe(false);
    expect(verification.firstBreak).toMatchObject({ sequence: "7", recordId: id, reason: "edited" });
    expect(verification.firstBreak?.message).toContain(`record 7 (${id})`);
  });

  it("notices edits of every part of the content: subjects, fields, time, principal", async () => {
    const edits = [
      `UPDATE "DataAccessRecord" SET "subjectResidentIds" = ARRAY['resident-000999'] WHERE "sequence" = 9`,
      `UPDATE "DataAccessRecord" SET "fields" = jsonb_set("fields", '{0,decision}', '"masked"') WHERE "sequence" = 9`,
      `UPDATE "DataAccessRecord" SET "occurredAt" = "occurredAt" + interval '1 millisecond' WHERE "sequence" = 9`,
      `UPDATE "DataAccessRecord" SET "principalId" = 'person-000999' WHERE "sequence" = 9`,
    ];
    for (const edit of edits) {
      const verification = await tamper([9], () => sql(edit).then(() => {}));
      expect(verification.firstBreak, edit).toMatchObject({ sequence: "9", reason: "edited" });
    }
  });

  it("detects an edited record whose hash was recomputed: the next record's link breaks, naming both", async () => {
    const next = await recordIdAt(12);
    const verification = await tamper([11], async () => {
      await sql(`UPDATE "DataAccessRecord" SET "purpose" = 'curiosity' WHERE "sequence" = 11`);
      const [row] = await sql<StoredRecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM "DataAccessRecord" WHERE "sequence" = 11`,
      );
      const rehashed = recordHash(row?.prevHash as string, contentOfRow(row as StoredRecordRow));
      await sql(`UPDATE "DataAccessRecord" SET "hash" = $1 WHERE "sequence" = 11`, [rehashed]);
    });
    expect(verification.firstBreak).toMatchObject({ sequence: "12", recordId: next, reason: "relinked" });
    expect(verification.firstBreak?.message).toContain("record 11 was changed and re-hashed");
  });

  it("detects a deleted record, naming the missing sequence and the record after it", async () => {
    const next = await recordIdAt(13);
    const verification = await tamper([12], async () => {
      await sql(`DELETE FROM "DataAccessRecord" WHERE "sequence" = 12`);
    });
    expect(verification.firstBreak).toMatchObject({ sequence: "13", recordId: next, reason: "gap" });
    expect(verification.firstBreak?.message).toContain("record 12 is missing");
  });

  it("detects reordered records (sequences swapped)", async () => {
    const verification = await tamper([3, 4], async () => {
      await sql(`UPDATE "DataAccessRecord" SET "sequence" = -3 WHERE "sequence" = 3`);
      await sql(`UPDATE "DataAccessRecord" SET "sequence" = 3 WHERE "sequence" = 4`);
      await sql(`UPDATE "DataAccessRecord" SET "sequence" = 4 WHERE "sequence" = -3`);
    });
    expect(verification.intact).toBe(false);
    expect(verification.firstBreak?.sequence).toBe("3");
  });

  it("detects deleted newest records (the head remembers) and forged records beyond the head", async () => {
    const count = await service.prisma.dataAccessRecord.count();
    const truncated = await tamper([count], async () => {
      await sql(`DELETE FROM "DataAccessRecord" WHERE "sequence" = $1`, [count]);
    });
    expect(truncated.firstBreak).toMatchObject({ sequence: String(count), recordId: null, reason: "truncated" });

    // A well-formed forgery: correctly hashed and linked, but inserted without moving the chain head.
    const forgedId = randomUUID();
    const forged = await tamper([count + 1], async () => {
      const [last] = await sql<StoredRecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM "DataAccessRecord" WHERE "sequence" = $1`,
        [count],
      );
      const content = { ...contentOfRow(last as StoredRecordRow), sequence: String(count + 1), recordId: forgedId };
      await sql(
        `INSERT INTO "DataAccessRecord" SELECT "sequence" + 1, $1::uuid, "occurredAt", "requestId", "principalId",
           "principalKind", "applicationId", "departmentId", "purpose", "operationName", "operationHash", "fields",
           "subjectResidentIds", "policyVersion", "hash", $3, "appendedAt"
         FROM "DataAccessRecord" WHERE "sequence" = $2`,
        [forgedId, count, recordHash(last?.hash as string, content)],
      );
    });
    expect(forged.firstBreak).toMatchObject({ sequence: String(count + 1), recordId: forgedId, reason: "beyond-head" });
  });

  it("reports the break to auditors in the graph as well", async () => {
    const id = await recordIdAt(5);
    await tamper([5], async () => {
      await sql(`UPDATE "DataAccessRecord" SET "departmentId" = 'dept-education' WHERE "sequence" = 5`);
      const { body } = await graphql(
        service.url,
        "{ auditChainVerification { intact firstBreak { sequence recordId reason message } } }",
        {},
        {},
        { principal: auditor },
      );
      expect(body.data.auditChainVerification).toMatchObject({
        intact: false,
        firstBreak: { sequence: "5", recordId: id, reason: "edited" },
      });
    });
  });

  it("serialises content canonically: key order does not matter, values do", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }] })).toBe('{"a":[{"x":null,"y":2}],"b":1}');
    expect(canonicalJson({ a: "1" })).not.toBe(canonicalJson({ a: 1 }));
  });
});

describe("retention", () => {
  it("refuses a retention shorter than 180 days, from options and from the environment", () => {
    expect(() => createAuditSubgraph({ retentionDays: 90 })).toThrow("at least 180 days");
    expect(() => auditOptionsFromEnvironment({ AUDIT_RETENTION_DAYS: "30" })).toThrow(ConfigError);
    expect(auditOptionsFromEnvironment({}).retentionDays).toBe(180);
    expect(auditOptionsFromEnvironment({ AUDIT_RETENTION_DAYS: "365" }).retentionDays).toBe(365);
  });

  it("prunes records past retention behind a checkpoint, and the chain still verifies and grows", async () => {
    const total = await service.prisma.dataAccessRecord.count();
    // 180 days before seed date + 151 is seed date - 29: the accesses of the seed's first month are due, later ones kept.
    const result = await pruneAuditTrail(service.db, { retentionDays: 180, now: seedInstant(151, "08:00") });
    expect(result.pruned).toBeGreaterThan(10);
    expect(result.checkpoint?.sequence).toBe(String(result.pruned));
    const remaining = await service.prisma.dataAccessRecord.findMany({ orderBy: { sequence: "asc" } });
    expect(remaining).toHaveLength(total - result.pruned);
    expect(remaining[0]?.occurredAt.getTime()).toBeGreaterThanOrEqual(result.cutoff.getTime());
    expect(remaining[0]?.prevHash).toBe(result.checkpoint?.hash);

    const verification = await verify();
    expect(verification).toMatchObject({
      intact: true,
      start: { sequence: result.checkpoint?.sequence, checkpoint: true },
    });
    expect(verification.checkedRecords).toBe(remaining.length);

    // Nothing more is due a second time; seeding again does not bring pruned records back.
    expect((await pruneAuditTrail(service.db, { retentionDays: 180, now: seedInstant(151, "08:00") })).pruned).toBe(0);
    await seed(service.prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(await service.prisma.dataAccessRecord.count()).toBe(remaining.length);

    await appendRecords(
      service.db,
      [record(clock), record(clock)].map((r) => auditRecordSchema.parse(r)),
    );
    expect((await verify()).intact).toBe(true);
  });

  it("still detects tampering after pruning", async () => {
    const [first] = await service.prisma.dataAccessRecord.findMany({ orderBy: { sequence: "asc" }, take: 1 });
    const sequence = Number(first?.sequence);
    const verification = await tamper([sequence], async () => {
      await sql(`DELETE FROM "DataAccessRecord" WHERE "sequence" = $1`, [sequence]);
    });
    expect(verification.firstBreak).toMatchObject({ reason: "gap", sequence: String(sequence + 1) });
  });

  it("refuses to prune a broken prefix and keeps it as evidence", async () => {
    const [first] = await service.prisma.dataAccessRecord.findMany({ orderBy: { sequence: "asc" }, take: 1 });
    const sequence = Number(first?.sequence);
    const before = await service.prisma.dataAccessRecord.count();
    await tamper([sequence], async () => {
      await sql(`UPDATE "DataAccessRecord" SET "purpose" = 'curiosity' WHERE "sequence" = $1`, [sequence]);
      await expect(
        pruneAuditTrail(service.db, { retentionDays: 180, now: seedInstant(365, "08:00") }),
      ).rejects.toBeInstanceOf(AuditChainBrokenError);
      expect(await service.prisma.dataAccessRecord.count()).toBe(before);
    });
  });

  it("prunes on its own after ingestion once records fall out of retention", async () => {
    clock = new Date("2028-01-01T00:00:00Z");
    const body = JSON.stringify({ records: [record(clock)] });
    const envelope = signedHeaders(
      "audit",
      { method: "POST", path: "/audit/records", body },
      { principal: gatewayCaller(SYSTEM_SCOPES.auditWrite) },
    );
    const response = await fetch(service.url.replace(/\/graphql$/, "/audit/records"), {
      method: "POST",
      headers: { "content-type": "application/json", ...envelope },
      body,
    });
    expect(response.status).toBe(200);
    // Pruning runs after the answer, in the background: asked until it has.
    await expect.poll(() => service.prisma.dataAccessRecord.count(), { timeout: 5_000, interval: 50 }).toBe(1);
    const left = await service.prisma.dataAccessRecord.findMany();
    expect(left).toHaveLength(1);
    expect(left[0]?.occurredAt.toISOString()).toBe(clock.toISOString());
    expect(await verify()).toMatchObject({ intact: true, checkedRecords: 1 });
  });
});
