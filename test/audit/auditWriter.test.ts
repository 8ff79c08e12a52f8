/**
 * The gateway's audit writer against a running audit service (in-process, on the test tier's database): a record
 * resolves only once it is appended to the chain (durable before the answer leaves), concurrent records share
 * deliveries (group commit), and nobody waits past a deadline or beyond the waiting bound.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuditEntry,
  AuditUnavailableError,
  AuditWriterClosedError,
  createAuditWriter,
  hashOperation,
} from "../../gateway/audit/auditWriter.ts";
import { createLogger } from "../../lib/log.ts";
import { createEnvelopeSigner } from "../../lib/wire.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import auditModule, { createAuditSubgraph } from "../../subgraphs/audit/index.ts";
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

const stored = (entries: AuditEntry[]) =>
  service.prisma.dataAccessRecord.count({ where: { recordId: { in: entries.map((e) => e.recordId as string) } } });
const withId = (overrides: Partial<AuditEntry> = {}) => entry({ recordId: randomUUID(), ...overrides });

describe("the audit writer", () => {
  it("resolves a record only once the audit service has appended it", async () => {
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log });
    for (let i = 0; i < 5; i += 1) {
      const one = withId();
      await writer.record(one);
      expect(await stored([one])).toBe(1);
    }
    await writer.close();
    expect(writer.stats()).toMatchObject({ delivered: 5, waiting: 0, unavailable: 0 });
  });

  it("turns 50 concurrent records into exactly 50 chained records in a few shared deliveries (group commit)", async () => {
    const before = await rows();
    const control = controllableFetch();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, fetch: control.fetch });
    const entries = Array.from({ length: 50 }, () => withId());
    await Promise.all(entries.map((e) => writer.record(e)));
    expect(await stored(entries)).toBe(50);
    expect(await rows()).toBe(before + 50);
    // The first record leaves at once; the 49 that arrive while it is in flight share the next delivery.
    expect(control.calls).toBeLessThanOrEqual(3);
    await writer.close();
    const verification = await verifyChain(service.db);
    expect(verification).toMatchObject({ intact: true, firstBreak: null });
    expect(verification.checkedRecords).toBe(await rows());
  });

  it("forms one chain from two gateway replicas writing at once", async () => {
    const before = await rows();
    // No deadline in play (a busy machine may take seconds to append 200 records): this is about the chain.
    const replicas = [1, 2].map(() =>
      createAuditWriter({ url: baseUrl, signEnvelope, log, batchSize: 10, maxWaitMs: 120_000 }),
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

  it("gives up at the caller's deadline while the audit service does not answer (a batch already sent may still land)", async () => {
    const control = controllableFetch();
    control.hold(); // the audit service accepts the connection but never answers
    // The request itself may wait as long as it takes (a busy machine must not time it out before the release): the
    // caller's deadline is what runs out here.
    const writer = createAuditWriter({
      url: baseUrl,
      signEnvelope,
      log,
      fetch: control.fetch,
      requestTimeoutMs: 60_000,
    });
    const late = withId();
    const outcome = await writer.record(late, { deadline: Date.now() + 100 }).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(AuditUnavailableError);
    expect((outcome as AuditUnavailableError).reason).toBe("deadline");
    expect(writer.stats()).toMatchObject({ waiting: 0, unavailable: 1 });
    control.release();
    await writer.flush();
    await writer.close();
    // It had left in a batch before the deadline: the trail over-reports that read once, it never loses one.
    expect(await stored([late])).toBe(1);
  });

  it("waits at most maxWaitMs when the caller's deadline is later", async () => {
    const writer = createAuditWriter({ url: "http://127.0.0.1:9", signEnvelope, log, maxWaitMs: 100 });
    await expect(writer.record(withId(), { deadline: Date.now() + 60_000 })).rejects.toBeInstanceOf(
      AuditUnavailableError,
    );
    expect(writer.stats().failedDeliveries).toBeGreaterThan(0);
    await writer.close();
  });

  it("bounds the records waiting: beyond maxWaiting, record() refuses at once", async () => {
    const control = controllableFetch();
    control.hold();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, fetch: control.fetch, maxWaiting: 3 });
    const waiting = Array.from({ length: 3 }, () => withId());
    const accepted = waiting.map((e) => writer.record(e, { deadline: Date.now() + 30_000 }));
    const refused = await writer.record(withId()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuditUnavailableError);
    expect((refused as AuditUnavailableError).reason).toBe("overloaded");
    expect(writer.stats().waiting).toBe(3);
    control.release();
    await Promise.all(accepted);
    expect(await stored(waiting)).toBe(3);
    await writer.close();
  });

  it("takes a record that gave up out of the queue before its batch leaves", async () => {
    const control = controllableFetch();
    control.hold();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, fetch: control.fetch });
    const first = withId();
    const inFlight = writer.record(first, { deadline: Date.now() + 30_000 });
    const impatient = withId();
    await expect(writer.record(impatient, { deadline: Date.now() + 50 })).rejects.toBeInstanceOf(AuditUnavailableError);
    control.release();
    await inFlight;
    await writer.flush();
    expect(await stored([first])).toBe(1);
    expect(await stored([impatient])).toBe(0);
    await writer.close();
  });

  it("retries failed deliveries within the deadline and never appends a re-sent batch twice", async () => {
    const before = await rows();
    const control = controllableFetch();
    control.failNext = 2;
    control.loseAnswerNext = 1;
    control.hold(); // so all 20 records join one batch
    const writer = createAuditWriter({
      url: baseUrl,
      signEnvelope,
      log,
      batchSize: 20,
      initialBackoffMs: 10,
      fetch: control.fetch,
    });
    const entries = Array.from({ length: 20 }, () => withId());
    const first = writer.record(entries[0] as AuditEntry);
    const rest = entries.slice(1).map((e) => writer.record(e));
    control.release();
    await Promise.all([first, ...rest]);
    expect(await rows()).toBe(before + 20);
    expect(writer.stats().failedDeliveries).toBe(3);
    expect(writer.stats().duplicates).toBeGreaterThan(0);
    expect((await verifyChain(service.db)).intact).toBe(true);
    await writer.close();
  });

  it("splits a batch the audit service answers 413, which arrives as an answer, not a reset", async () => {
    const small = await startTestSubgraph(createAuditSubgraph({ maxBatchBytes: 4096 }), { seed: false });
    try {
      const control = controllableFetch();
      control.hold(); // so the records below form one batch of about 40 × 600 bytes
      const writer = createAuditWriter({
        url: small.url.replace(/\/graphql$/, ""),
        signEnvelope,
        log,
        fetch: control.fetch,
      });
      const entries = Array.from({ length: 40 }, () => withId());
      const first = writer.record(entries[0] as AuditEntry);
      const rest = entries.slice(1).map((e) => writer.record(e));
      control.release();
      await Promise.all([first, ...rest]);
      expect(await small.prisma.dataAccessRecord.count()).toBe(40);
      expect(writer.stats()).toMatchObject({ delivered: 40, failedDeliveries: 0 });
      await writer.close();
    } finally {
      await small.stop();
    }
  });

  it("refuses entries after close(), which waits for the records still waiting", async () => {
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log });
    const last = withId();
    const pending = writer.record(last);
    await writer.close();
    await pending;
    expect(await stored([last])).toBe(1);
    await expect(writer.record(entry())).rejects.toBeInstanceOf(AuditWriterClosedError);
  });

  it("refuses a malformed entry at record(), before it could hold up others", async () => {
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

  it("appends concurrent records at a measurable rate", async () => {
    const before = await rows();
    const writer = createAuditWriter({ url: baseUrl, signEnvelope, log, maxWaitMs: 60_000 });
    const count = 2000;
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, () => writer.record(entry())));
    const seconds = (performance.now() - started) / 1000;
    await writer.close();
    expect(await rows()).toBe(before + count);
    console.log(
      `audit writer → ${service.db.kind}: ${count} concurrent durable records in ${seconds.toFixed(2)} s (${Math.round(count / seconds)} records/s, group commit up to 200)`,
    );
    expect((await verifyChain(service.db)).intact).toBe(true);
  });
});
