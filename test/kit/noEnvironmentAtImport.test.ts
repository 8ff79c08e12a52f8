/**
 * Configuration is parsed once, at the process edge: importing the subgraph registry (as composition, `npm start`,
 * the benchmarks and the tests do) reads no environment variable, so it cannot throw for a missing secret in
 * production nor pick up a setting meant for one service.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The file that read the variable, when it is the repository's own code: not a dependency (graphql reads NODE_ENV),
 * not Prisma's generated client, not this test.
 */
function ourFrame(stack: string | undefined): string | null {
  const caller =
    (stack ?? "")
      .split("\n")
      .slice(2)
      .find((line) => /\/.*:\d+:\d+/.test(line)) ?? "";
  const at = caller.indexOf(root);
  if (at < 0) return null;
  const file = caller.slice(at + root.length).replace(/\).*$/, "");
  if (file.startsWith("node_modules/") || file.includes("/generated/") || file.startsWith("test/")) return null;
  return file;
}

const original = process.env;
afterEach(() => {
  process.env = original;
  vi.resetModules();
});

describe("importing the subgraph registry", () => {
  it("reads no environment variable, and loads in production mode without any secret", async () => {
    const reads: string[] = [];
    const env: NodeJS.ProcessEnv = {
      PATH: original.PATH,
      NODE_ENV: "production",
      // Values every edge refuses: a module that read them at import would throw or be misconfigured.
      AUDIT_RETENTION_DAYS: "1",
      CITY_PARKING_PLATFORM_URL: "not a url",
      IDENTITY_HASHING_BURST: "0",
    };
    process.env = new Proxy(env, {
      get(target, key, receiver) {
        if (typeof key === "string") {
          const frame = ourFrame(new Error().stack);
          if (frame) reads.push(`${key} in ${frame}`);
        }
        return Reflect.get(target, key, receiver);
      },
    });
    vi.resetModules();
    const { subgraphModules } = await import("../../subgraphs/registry.ts");
    process.env = original;

    expect(subgraphModules.map((module) => module.name)).toContain("identity");
    expect(reads).toEqual([]);
  });

  it("still lets the process edge configure a module from its environment, refusing what is wrong", async () => {
    const audit = await import("../../subgraphs/audit/index.ts");
    expect(() => audit.configure({ AUDIT_RETENTION_DAYS: "1" })).toThrow(/AUDIT_RETENTION_DAYS/);
    const parking = await import("../../subgraphs/parking/index.ts");
    expect(() => parking.configure({ CITY_PARKING_PLATFORM_URL: "not a url" })).toThrow(/CITY_PARKING_PLATFORM_URL/);
    const identity = await import("../../subgraphs/identity/index.ts");
    expect(() => identity.configure({ IDENTITY_HASHING_BURST: "0" })).toThrow(/hashingBudget.burst/);
    expect(identity.configure({ NODE_ENV: "production" }).name).toBe("identity");
  });
});
