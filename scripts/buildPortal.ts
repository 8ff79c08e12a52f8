/**
 * Builds the portal (portal/ → portal/dist, docs/portal.md) when its build is missing or stale. `npm start` calls
 * this before it starts the gateway, so a fresh clone serves the portal after `npm install` and `npm start` alone;
 * `npm run portal:build` builds unconditionally.
 *
 * Stale means: the fingerprint of everything the build reads (portal sources and operations, its Vite config, the
 * composed supergraph the directory is made from, the lock file) differs from the one recorded in
 * portal/dist/.build-stamp by the last build. The build runs Vite in a child process (a devDependency: where dev
 * dependencies are not installed, the portal is reported as not built and everything else starts).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PORTAL_DIST = join(root, "portal/dist");
const STAMP = join(PORTAL_DIST, ".build-stamp");
const INPUTS = [
  "portal/src",
  "portal/operations",
  "portal/index.html",
  "portal/vite.config.ts",
  "portal/directory.ts",
  "portal/tsconfig.json",
  "schema/supergraph.graphql",
  "schema/supergraph.owners.json",
  "package-lock.json",
];

async function filesOf(path: string): Promise<string[]> {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  const entries = await readdir(full, { withFileTypes: true }).catch(() => null);
  if (!entries) return [full];
  const nested = await Promise.all(entries.map((entry) => filesOf(relative(root, join(full, entry.name)))));
  return nested.flat();
}

/** SHA-256 over the names and contents of every input of the build. */
export async function portalFingerprint(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await Promise.all(INPUTS.map(filesOf))).flat().sort();
  for (const file of files) {
    hash.update(relative(root, file));
    hash.update("\0");
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Runs Vite's build; resolves with its exit code. */
export function buildPortal(): Promise<number> {
  const vite = join(root, "node_modules/vite/bin/vite.js");
  if (!existsSync(vite)) return Promise.resolve(127);
  return new Promise((resolve) => {
    // Always React's production build: Vite follows an inherited NODE_ENV (vitest sets `test`, a shell `development`).
    const args = [vite, "build", "--mode", "production", "--config", join(root, "portal/vite.config.ts")];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/**
 * Builds the portal unless portal/dist already holds a build of exactly these inputs. Never throws: the gateway
 * serves everything else without the portal (and answers /portal/ with how to build it).
 */
export async function ensurePortalBuilt(
  log: (line: string) => void = console.log,
): Promise<"fresh" | "built" | "failed"> {
  const fingerprint = await portalFingerprint();
  const recorded = await readFile(STAMP, "utf8").catch(() => "");
  if (recorded.trim() === fingerprint) return "fresh";
  log("Building the portal (portal/ → portal/dist; once, and again when its sources change) …");
  const code = await buildPortal();
  if (code !== 0) {
    log(
      code === 127
        ? "The portal is not built: Vite is not installed (dev dependencies); /portal/ will answer 404."
        : `The portal build failed (exit ${code}); /portal/ will answer 404 until \`npm run portal:build\` succeeds.`,
    );
    return "failed";
  }
  await writeFile(STAMP, `${fingerprint}\n`);
  return "built";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await buildPortal();
  if (code === 0) await writeFile(STAMP, `${await portalFingerprint()}\n`);
  process.exit(code);
}
