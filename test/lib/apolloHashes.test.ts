import { createHash } from "node:crypto";
import Module, { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { directApolloHashes } from "../../lib/http/apolloHashes.ts";

const require = createRequire(import.meta.url);
type Loader = { _load: (...args: unknown[]) => unknown };

describe("directApolloHashes", () => {
  it("patches the copy of @apollo/utils.createhash each of Apollo Server and Apollo Gateway loads", () => {
    const patched = directApolloHashes();
    for (const user of ["@apollo/server", "@apollo/gateway"]) {
      expect(patched).toContain(createRequire(require.resolve(user)).resolve("@apollo/utils.createhash"));
    }
    expect(directApolloHashes()).toEqual(patched); // idempotent
  });

  it("hashes as node:crypto does, without a module lookup per hash", () => {
    const copies = directApolloHashes().map((path) => require(path) as { createHash: typeof createHash });
    const loader = Module as unknown as Loader;
    const load = loader._load;
    let lookups = 0;
    loader._load = function (this: unknown, ...args: unknown[]) {
      lookups += 1;
      return load.apply(this, args);
    };
    try {
      for (const copy of copies) {
        const query = "query OpenData { openDataList(first: 50) { nodes { code } } }";
        expect(copy.createHash("sha256").update(query).digest("hex")).toBe(
          createHash("sha256").update(query).digest("hex"),
        );
      }
    } finally {
      loader._load = load;
    }
    expect(lookups).toBe(0);
  });
});
