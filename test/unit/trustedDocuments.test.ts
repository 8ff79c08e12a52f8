/**
 * The gateway's pure halves of app lifecycle enforcement (issue 13), without a server: which registered operation a
 * trusted-documents app's request names (or the coded 403), and the revocation list's refusal of a disabled or
 * expired app's tokens issued before the change — until their exp + tolerance, never narrowed by a later list.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRevocationList } from "../../gateway/auth/revocations.ts";
import { type TrustedDocumentSet, trustedOperationOf } from "../../gateway/protection/trustedDocuments.ts";
import { documentHash } from "../../lib/contracts/trustedDocuments.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";

const REGISTERED = "query Me { me { id } }";
const set: TrustedDocumentSet = {
  revision: 3,
  apps: new Map([["app-kiosk", new Map([[documentHash(REGISTERED), REGISTERED]])]]),
};
const app = (id: string): Principal => ({ ...ANONYMOUS, kind: "app", id, roles: ["integrator"] });
const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const codeOf = (run: () => unknown) => {
  try {
    run();
    return "passed";
  } catch (error) {
    return (error as { extensions?: { code?: string; http?: { status?: number } } }).extensions;
  }
};

describe("trusted operations of an app in trusted-documents mode", () => {
  it("names the registered operation by its text, by its hash alone, or by both", () => {
    const expected = { hash: documentHash(REGISTERED), document: REGISTERED };
    expect(trustedOperationOf(set, app("app-kiosk"), { body: { query: REGISTERED }, search: "" })).toEqual(expected);
    expect(
      trustedOperationOf(set, app("app-kiosk"), { body: { extensions: apq(documentHash(REGISTERED)) }, search: "" }),
    ).toEqual(expected);
    expect(
      trustedOperationOf(set, app("app-kiosk"), {
        body: { query: REGISTERED, extensions: apq(documentHash(REGISTERED).toUpperCase()) },
        search: "",
      }),
    ).toEqual(expected);
    // A GET carries them in the query string.
    const search = `?extensions=${encodeURIComponent(JSON.stringify(apq(documentHash(REGISTERED))))}`;
    expect(trustedOperationOf(set, app("app-kiosk"), { body: null, search })).toEqual(expected);
  });

  it("refuses anything else with 403 OPERATION_NOT_TRUSTED: other text, unknown hash, mismatch, nothing", () => {
    const refused = { code: "OPERATION_NOT_TRUSTED", http: { status: 403 } };
    const other = "query { me { id } }";
    for (const body of [
      { query: other },
      { extensions: apq(documentHash(other)) },
      { query: other, extensions: apq(documentHash(REGISTERED)) },
      { query: `${REGISTERED} ` },
      {},
    ]) {
      expect(
        codeOf(() => trustedOperationOf(set, app("app-kiosk"), { body, search: "" })),
        JSON.stringify(body),
      ).toEqual(refused);
    }
  });

  it("leaves apps not in the mode, people and anonymous callers alone", () => {
    const body = { query: "query { me { id } }" };
    expect(trustedOperationOf(set, app("app-portal"), { body, search: "" })).toBeNull();
    expect(trustedOperationOf(set, { ...app("app-kiosk"), kind: "officer" }, { body, search: "" })).toBeNull();
    expect(trustedOperationOf(set, ANONYMOUS, { body, search: "" })).toBeNull();
  });
});

describe("disabled and expired apps on the revocation list", () => {
  let listed: Array<{ id: string; issuedBefore: number; until: number }> = [];
  let url: string;
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ sessions: [], apps: listed }));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/revoked-sessions`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses tokens issued up to the disabling, until their exp + tolerance, even when a later list drops the app", async () => {
    let clock = 1_800_000_000_000;
    const disabledAt = clock / 1000;
    const revocations = createRevocationList({
      url,
      intervalMs: 3_600_000,
      clockToleranceSeconds: 30,
      now: () => clock,
    });
    try {
      listed = [{ id: "app-kiosk", issuedBefore: disabledAt, until: disabledAt + 300 }];
      await revocations.refresh();
      expect(revocations.isSubjectRevoked("app-kiosk", disabledAt - 100)).toBe(true);
      expect(revocations.isSubjectRevoked("app-kiosk", disabledAt)).toBe(true);
      // Issued after it was enabled again: accepted.
      expect(revocations.isSubjectRevoked("app-kiosk", disabledAt + 1)).toBe(false);
      expect(revocations.isSubjectRevoked("app-portal", disabledAt - 100)).toBe(false);

      listed = [];
      clock += (300 + 29) * 1000;
      await revocations.refresh();
      expect(revocations.isSubjectRevoked("app-kiosk", disabledAt - 1)).toBe(true);
      clock += 2000;
      await revocations.refresh();
      expect(revocations.isSubjectRevoked("app-kiosk", disabledAt - 1)).toBe(false);
    } finally {
      revocations.stop();
    }
  });
});
