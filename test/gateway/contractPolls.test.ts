/**
 * The gateway's polls of the identity service read each payload against its contract (lib/contracts/): a payload
 * that breaks it — wrong shape, not JSON — is refused whole with `PayloadRefused`, the last good copy stays in force,
 * and the next good payload is applied. Never a crash, never an emptied set. A stand-in identity service on port 0.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRevocationList } from "../../gateway/auth/revocations.ts";
import { createPolicySource } from "../../gateway/authorization/policySource.ts";
import { createPurposeSource } from "../../gateway/authorization/purposes.ts";
import { PayloadRefused } from "../../lib/contracts/payload.ts";

/** What the stand-in answers at each path: a value sent as JSON, or a raw string. */
const answers = new Map<string, unknown>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = answers.get(new URL(req.url ?? "/", "http://identity").pathname);
    res.setHeader("content-type", "application/json");
    res.end(typeof answer === "string" ? answer : JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Collects what a poller reports to `onError`. */
const errors = () => {
  const seen: unknown[] = [];
  return { seen, onError: (error: unknown) => seen.push(error) };
};
const noHeaders = () => ({});
const HOUR = 3_600_000;

describe("polled payloads against their contracts", () => {
  it("keeps the last good policy set when a payload breaks the contract, and applies the next good one", async () => {
    const reported = errors();
    const source = createPolicySource({
      url: `${base}/access/policies`,
      headers: noHeaders,
      intervalMs: HOUR,
      ...reported,
    });
    try {
      const rule = { anyOf: [{ kinds: ["officer"], departments: ["dept-health"] }] };
      answers.set("/access/policies", {
        revision: 1,
        policies: [{ name: "visit-records", version: 1, description: "", rule }],
      });
      await source.refresh();
      expect(source.current().policies.get("visit-records")?.rule).toEqual(rule);

      answers.set("/access/policies", { revision: 2, policies: [{ name: "visit-records", version: "2" }] });
      await source.refresh();
      answers.set("/access/policies", "<html>502 Bad Gateway</html>");
      await source.refresh();
      expect(source.current().revision).toBe(1);
      expect(source.current().policies.get("visit-records")?.rule).toEqual(rule);
      expect(reported.seen).toHaveLength(2);
      expect(reported.seen.every((error) => error instanceof PayloadRefused)).toBe(true);
      expect((reported.seen[0] as PayloadRefused).where).toBe("policies.0.version");
      expect((reported.seen[1] as PayloadRefused).message).toContain("(body): not valid JSON");

      answers.set("/access/policies", { revision: 3, policies: [] });
      await source.refresh();
      expect(source.current().revision).toBe(3);
      expect(source.current().policies.size).toBe(0);
    } finally {
      source.stop();
    }
  });

  it("keeps the last good purpose registry when a payload breaks the contract", async () => {
    const reported = errors();
    const source = createPurposeSource({
      url: `${base}/access/purposes`,
      headers: noHeaders,
      intervalMs: HOUR,
      ...reported,
    });
    try {
      const purpose = {
        name: "medical-treatment",
        version: 1,
        legalBasis: "PIPL art. 13(1)(3)",
        description: "Treatment of a patient.",
        kinds: ["officer"],
        roles: [],
        departments: ["dept-health"],
        requiresCase: true,
        retentionDays: 180,
      };
      answers.set("/access/purposes", { revision: 4, purposes: [purpose] });
      await source.refresh();
      expect(source.current().purposes.has("medical-treatment")).toBe(true);

      answers.set("/access/purposes", { revision: -1, purposes: [] });
      await source.refresh();
      expect(source.current().revision).toBe(4);
      expect(source.current().purposes.has("medical-treatment")).toBe(true);
      expect(reported.seen).toHaveLength(1);
      expect(reported.seen[0]).toBeInstanceOf(PayloadRefused);
      expect((reported.seen[0] as PayloadRefused).contract).toBe("purpose registry");
    } finally {
      source.stop();
    }
  });

  it("keeps refusing the sessions it holds when the revoked-sessions payload breaks the contract", async () => {
    const reported = errors();
    const now = Date.now();
    const revocations = createRevocationList({
      url: `${base}/oauth/revoked-sessions`,
      headers: noHeaders,
      intervalMs: HOUR,
      now: () => now,
      ...reported,
    });
    try {
      answers.set("/oauth/revoked-sessions", { sessions: [{ sid: "sess-held", until: Math.floor(now / 1000) + 300 }] });
      await revocations.refresh();
      expect(revocations.isRevoked("sess-held")).toBe(true);

      // One malformed entry refuses the list whole: the sessions held stay revoked, the new one is not taken on trust.
      answers.set("/oauth/revoked-sessions", {
        sessions: [
          { sid: "sess-new", until: Math.floor(now / 1000) + 300 },
          { sid: "sess-odd", until: "later" },
        ],
      });
      await revocations.refresh();
      expect(revocations.isRevoked("sess-held")).toBe(true);
      expect(revocations.size()).toBe(1);
      expect((reported.seen[0] as PayloadRefused).where).toBe("sessions.1.until");
      expect((reported.seen[0] as PayloadRefused).message).not.toContain("sess-");
    } finally {
      revocations.stop();
    }
  });
});
