/**
 * The nonce stores behind "each envelope once" (subgraphs/kit/nonceStore.ts, redisNonceStore.ts): the same contract
 * for the process-local store and the shared Redis one. The Redis tier runs with OG_TEST_REDIS_URL (CI sets it).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMemoryNonceStore, type NonceStore } from "../../subgraphs/kit/nonceStore.ts";
import { createRedisNonceStore } from "../../subgraphs/kit/redisNonceStore.ts";

const redisUrl = process.env.OG_TEST_REDIS_URL;
const fresh = () => `test:${randomBytes(16).toString("base64url")}`;

const stores: Array<[string, (() => Promise<NonceStore>) | null]> = [
  ["memory", async () => createMemoryNonceStore()],
  ["redis", redisUrl ? () => createRedisNonceStore({ url: redisUrl, keyPrefix: "og:test:nonce:" }) : null],
];

for (const [name, open] of stores) {
  describe.skipIf(!open)(`the ${name} nonce store`, () => {
    it("claims a nonce once, even when several claims race", async () => {
      const store = await (open as () => Promise<NonceStore>)();
      try {
        const nonce = fresh();
        const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim(nonce, Date.now() + 35_000)));
        expect(claims.filter((claim) => claim === "fresh")).toHaveLength(1);
        expect(claims.filter((claim) => claim === "seen")).toHaveLength(19);
        expect(await store.claim(fresh(), Date.now() + 35_000)).toBe("fresh");
      } finally {
        await store.close?.();
      }
    });

    it("forgets a nonce once its envelope has expired", async () => {
      const store = await (open as () => Promise<NonceStore>)();
      try {
        const nonce = fresh();
        expect(await store.claim(nonce, Date.now() + 50)).toBe("fresh");
        expect(await store.claim(nonce, Date.now() + 50)).toBe("seen");
        // Redis expires keys on its own clock: asked until it has (no fixed sleep); the first "fresh" ends the wait.
        await expect.poll(() => store.claim(nonce, Date.now() + 50), { interval: 20, timeout: 5_000 }).toBe("fresh");
      } finally {
        await store.close?.();
      }
    });
  });
}

describe("the memory nonce store's clock", () => {
  it("holds a nonce until its expiry on the injected clock, and forgets it after", async () => {
    let at = 1_000_000;
    const store = createMemoryNonceStore({ now: () => at });
    const nonce = fresh();
    expect(await store.claim(nonce, at + 35_000)).toBe("fresh");
    at += 34_999;
    expect(await store.claim(nonce, at + 35_000)).toBe("seen");
    at += 2;
    expect(await store.claim(nonce, at + 35_000)).toBe("fresh");
  });
});

describe.skipIf(!redisUrl)("the redis nonce store, shared by replicas", () => {
  it("refuses on a second replica the nonce a first replica accepted", async () => {
    const url = redisUrl as string;
    const [first, second] = await Promise.all([
      createRedisNonceStore({ url, keyPrefix: "og:test:nonce:" }),
      createRedisNonceStore({ url, keyPrefix: "og:test:nonce:" }),
    ]);
    try {
      const nonce = fresh();
      expect(await first.claim(nonce, Date.now() + 35_000)).toBe("fresh");
      expect(await second.claim(nonce, Date.now() + 35_000)).toBe("seen");
    } finally {
      await Promise.all([first.close?.(), second.close?.()]);
    }
  });

  it("fails closed: a claim against an unreachable Redis is unavailable, not fresh", async () => {
    const store = await createRedisNonceStore({ url: redisUrl as string, keyPrefix: "og:test:nonce:" });
    await store.close?.();
    expect(await store.claim(fresh(), Date.now() + 35_000)).toBe("unavailable");
  });
});
