/**
 * Apollo's hashes without a module lookup per hash (issue 16, "less work per request").
 *
 * Apollo Server hashes every operation's text (`computeQueryHash`, the key of its document cache), and Apollo Gateway
 * hashes its plan-cache keys, through `@apollo/utils.createhash`, which fetches the crypto module anew on every call:
 * `module.require("crypto").createHash(kind)`. A `require` of a built-in module is cheap in plain Node, but under tsx
 * (how the gateway and the subgraphs run) every `require` goes through tsx's resolve hooks first: about 35 µs, most of
 * the hash's cost and 3 % of the gateway's main-thread CPU on a one-fetch operation (a CPU profile of
 * `scripts/benchHotpath.ts`, docs/benchmarks.md).
 *
 * `directApolloHashes()` hands each loaded copy of that module (Apollo Server and Apollo Gateway depend on different
 * major versions) the crypto module it asks for, on its own `module.require`, which is what the function reads on each
 * call. The hashes are those of `node:crypto`, as before: only the lookup goes.
 */
import * as crypto from "node:crypto";
import { createRequire, type Module } from "node:module";

const require = createRequire(import.meta.url);

/** The packages that hash through `@apollo/utils.createhash`, each resolving its own copy. */
const HASHING_PACKAGES = ["@apollo/server", "@apollo/gateway"];

/** Paths of the copies patched so far (the patch is made once per copy). */
const patched = new Set<string>();

/**
 * Makes each copy of `@apollo/utils.createhash` that `HASHING_PACKAGES` resolve take `node:crypto` without a module
 * lookup. Idempotent; returns the paths of the copies patched (for tests).
 */
export function directApolloHashes(): string[] {
  for (const user of HASHING_PACKAGES) {
    let path: string;
    try {
      path = createRequire(require.resolve(user)).resolve("@apollo/utils.createhash");
    } catch {
      continue; // not installed here (a subgraph-only install): nothing of it to patch
    }
    if (patched.has(path)) continue;
    require(path);
    const loaded = require.cache[path] as (Module & { require: NodeJS.Require }) | undefined;
    if (!loaded) continue;
    const original = loaded.require.bind(loaded);
    loaded.require = ((id: string) =>
      id === "crypto" || id === "node:crypto" ? crypto : original(id)) as NodeJS.Require;
    patched.add(path);
  }
  return [...patched];
}
