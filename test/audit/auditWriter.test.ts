/**
 * The gateway's audit writer against a running audit service (in-process, on the test tier's database): every
 * recorded entry becomes exactly one chained record, whatever the concurrency, failures or shutdown.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toWire } from "../../gateway/audit/auditEntry.ts";
import {
  type AuditEntry,
  AuditWriterClosedError,
  createAuditWriter,
  hashOperation,
} from "../../gateway/audit/auditWriter.ts";
import { createLogger } from "../../lib/log.ts";
import { createEnvelopeSigner } from "../../lib/wire.ts";
import { auditRecordSchema } from "../../subgraphs/audit/auditRecord.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import auditModule from "../../subgraphs/audit/index.ts";
import { verifyChain } from "../../subgraphs/audit/verifyChain.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

let service: SubgraphService<PrismaClient>;
let baseUrl: string;
const signEnvelope = createEnvelopeSigner(testEnvelopeKeys.privateKey);
const log = createLogger({ service: "gateway", level: process.env.OG_TEST_LOG_LEVEL ?? "silent" });

beforeAll(async () => {
  service = await startTestSubgraph(auditModule, { seed: false });
  baseUrl = service.url.replace(/\/graphql$/, "");
});

afterAll(async () => {
  await service?.stop();
});

let counter = 0;
function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  counter += 1;
  return {
    occurredAt: new Date(),
    requestId: `req-${counter}-${randomUUID()}`,
    principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
    applicationId: null,
    purpose: "medical-treatment",
    operationName: "ResidentAppointments",
    operationHash: hashOperation("query ResidentAppointments { resident(id: 1) { name } }"),
    fields: [
      { coordinate: "Resident.name", level: "SENSITIVE", category: "personal.identity", decision: "allowed" },
      { coordinate: "Resident.phoneMasked", level: "SENSITIVE", category: "personal.contact", decision: "masked" },
    ],
    subjectResidentIds: [`resident-${String((counter % 60_000) + 1).padStart(6, "0")}`],
    policyVersion: "test-policy-1",
    ...overrides,
  };
}

const rows = () => service.prisma.dataAccessRecord.count();

/** A fetch that can be held shut (the service "down"), or made to fail or lose answers a number of times. */
function controllableFetch() {
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const control = {
    calls: 0,
    failNext: 0,
    loseAnswerNext: 0,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      control.calls += 1;
      await gate;
      if (control.failNext > 0) {
        control.failNext -= 1;
        return new Response("unavailable", { status: 503 });
      }
      const response = await fetch(input, init);
      if (control.loseAnswerNext > 0) {
        control.loseAnswerNext -= 1;
        await response.body?.cancel();
        throw new TypeError("fetch failed: the connection was reset after the request was sent");
      }
      return response;
    }) as typeof fetch,
  };
  return control;
}

describe("the audit writer", () => {
  it("turns 50 concurrent operations into exactly 50 chained records", async () => {
    const before = await rows();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, batchSize: 8, flushIntervalMs: 20 });
    const entries = Array.from({ length: 50 }, () => entry({ recordId: randomUUID() }));
    await Promise.all(entries.map((e) => writer.record(e)));
    await writer.close();
    expect(await rows()).toBe(before + 50);
    expect(writer.stats()).toMatchObject({ delivered: 50, duplicates: 0, buffered: 0, waiting: 0 });
    const stored = await service.prisma.dataAccessRecord.findMany({
      where: { recordId: { in: entries.map((e) => e.recordId as string) } },
    });
    expect(stored).toHaveLength(50);
    const verification = await verifyChain(service.db);
    expect(verification).toMatchObject({ intact: true, firstBreak: null });
    expect(verification.checkedRecords).toBe(await rows());
  });

  it("forms one chain from two gateway replicas writing at once", async () => {
    const before = await rows();
    const replicas = [1, 2].map(() =>
      createAuditWriter({ url: baseUrl, signEnvelope, log, batchSize: 10, flushIntervalMs: 10 }),
    );
    await Promise.all(replicas.flatMap((writer) => Array.from({ length: 100 }, () => writer.record(entry()))));
    await Promise.all(replicas.map((writer) => writer.close()));
    expect(await rows()).toBe(before + 200);
    const sequences = (
      await service.prisma.dataAccessRecord.findMany({ select: { sequence: true }, orderBy: { sequence: "asc" } })
    ).map((row) => Number(row.sequence));
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    expect((await verifyChain(service.db)).intact).toBe(true);
  });

  it("keeps entries buffered until the interval or a full batch, and close() delivers them all", async () => {
    const before = await rows();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, batchSize: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 30; i++) await writer.record(entry());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(writer.stats().buffered).toBe(30);
    expect(await rows()).toBe(before);
    await writer.close();
    expect(await rows()).toBe(before + 30);
    await expect(writer.record(entry())).rejects.toBeInstanceOf(AuditWriterClosedError);
  });

  it("applies back-pressure when the buffer is full: record() waits, and nothing is dropped", async () => {
    const before = await rows();
    const control = controllableFetch();
    control.hold(); // the audit service is unreachable
    const writer = createAuditWriter({
      url: baseUrl,
      signEnvelope,
      log,
      bufferSize: 10,
      batchSize: 5,
      flushIntervalMs: 10,
      fetch: control.fetch,
    });
    const settled: number[] = [];
    const calls = Array.from({ length: 25 }, (_, i) => writer.record(entry()).then(() => settled.push(i)));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toHaveLength(10);
    expect(writer.stats()).toMatchObject({ buffered: 10, waiting: 15 });
    control.release();
    await Promise.all(calls);
    // First come, first served.
    expect(settled).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await writer.close();
    expect(await rows()).toBe(before + 25);
    expect((await verifyChain(service.db)).intact).toBe(true);
  });

  it("retries failed deliveries with backoff, keeping the records, and never appends a re-sent batch twice", async () => {
    const before = await rows();
    const control = controllableFetch();
    control.failNext = 2;
    control.loseAnswerNext = 1;
    const writer = createAuditWriter({
      url: baseUrl,
      signEnvelope,
      log,
      batchSize: 20,
      flushIntervalMs: 10,
      initialBackoffMs: 10,
      fetch: control.fetch,
    });
    await Promise.all(Array.from({ length: 20 }, () => writer.record(entry())));
    await writer.close();
    expect(await rows()).toBe(before + 20);
    // Two refusals (503), one lost answer (appended, but the writer could not know), then the re-sent batch.
    expect(writer.stats()).toMatchObject({ failedDeliveries: 3, delivered: 0, duplicates: 20 });
    expect(control.calls).toBe(4);
    expect((await verifyChain(service.db)).intact).toBe(true);
  });

  it("gives up at shutdown only after closeTimeoutMs, naming how many records were not delivered", async () => {
    const writer = createAuditWriter({
      url: "http://127.0.0.1:9",
      signEnvelope,
      log,
      flushIntervalMs: 10,
      initialBackoffMs: 10,
      closeTimeoutMs: 200,
    });
    await writer.record(entry());
    await writer.record(entry());
    await expect(writer.close()).rejects.toThrow("2 audit records could not be delivered");
  });

  it("refuses a malformed entry at record(), before it could block the buffer", async () => {
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log });
    await expect(writer.record(entry({ operationHash: "not-a-hash" }))).rejects.toThrow(TypeError);
    await expect(writer.record(entry({ requestId: "" }))).rejects.toThrow("requestId");
    await expect(
      writer.record(
        entry({ fields: [{ coordinate: "Resident.name", level: "L", category: "c", decision: "shown" as any }] }),
      ),
    ).rejects.toThrow("decision");
    await writer.close();
    expect(writer.stats().delivered).toBe(0);
  });

  it("sends what the audit service accepts: the two ends agree on the record shape", () => {
    const wire = toWire(
      entry({ applicationId: "app-portal", purpose: null, operationName: null, subjectResidentIds: [] }),
      randomUUID(),
    );
    const parsed = auditRecordSchema.parse(wire);
    expect(parsed.recordId).toBe(wire.recordId);
    expect(parsed.occurredAt.toISOString()).toBe(wire.occurredAt);
    expect(parsed.fields).toEqual(wire.fields);
    expect(parsed.principal).toEqual(wire.principal);
  });

  it("appends batches at a measurable rate", async () => {
    const before = await rows();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, batchSize: 200, flushIntervalMs: 10 });
    const count = 2000;
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, () => writer.record(entry())));
    await writer.close();
    const seconds = (performance.now() - started) / 1000;
    expect(await rows()).toBe(before + count);
    console.log(
      `audit writer → ${service.db.kind}: ${count} records in batches of 200 in ${seconds.toFixed(2)} s (${Math.round(count / seconds)} records/s)`,
    );
    expect((await verifyChain(service.db)).intact).toBe(true);
  });
});
