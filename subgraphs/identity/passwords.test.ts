/**
 * Password hashing cost (issue 12): production hashes at scrypt N = 2^15; `npm test` lowers the cost for its own
 * process (test/support/setup.ts) so seeded accounts and logins cost a millisecond, and an identity service started in
 * production mode refuses to run at that cost.
 */
import { describe, expect, it } from "vitest";
import { startTestSubgraph } from "../../test/support/subgraphs.ts";
import { createIdentitySubgraph } from "./index.ts";
import { currentHashCost, hashSecret, PRODUCTION_HASH_COST, TEST_HASH_COST, verifySecret } from "./passwords.ts";

const FORMAT = (n: number) => new RegExp(`^scrypt\\$${n}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`);

describe("password hashing cost", () => {
  it("hashes at N = 2^15, r = 8, p = 1 at the production cost, and verifies the right secret only", async () => {
    expect(PRODUCTION_HASH_COST).toEqual({ n: 32768, r: 8, p: 1 });
    const stored = await hashSecret("Correct#Horse1", PRODUCTION_HASH_COST);
    expect(stored).toMatch(FORMAT(32768));
    expect(await verifySecret("Correct#Horse1", stored)).toBe(true);
    expect(await verifySecret("Correct#Horse2", stored)).toBe(false);
  });

  it("hashes at the test cost under npm test; both costs verify, since each hash carries its parameters", async () => {
    expect(currentHashCost()).toEqual(TEST_HASH_COST);
    expect(TEST_HASH_COST.n).toBeLessThan(PRODUCTION_HASH_COST.n);
    const stored = await hashSecret("Correct#Horse1");
    expect(stored).toMatch(FORMAT(TEST_HASH_COST.n));
    expect(await verifySecret("Correct#Horse1", stored)).toBe(true);
    expect(await verifySecret("Correct#Horse2", stored)).toBe(false);
  });

  it("refuses a production start at the test cost, naming it", async () => {
    const start = startTestSubgraph(
      createIdentitySubgraph({
        production: true,
        keyEncryptionSecret: "a-production-secret-of-at-least-32-characters",
      }),
      { seed: false },
    ).then(async (service) => {
      await service.stop(); // it started after all: the assertion below fails, with nothing left running
      return service;
    });
    await expect(start).rejects.toThrow(/hashed at the test cost \(scrypt N = 1024\)/);
  });
});
