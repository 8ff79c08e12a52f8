/**
 * Development secrets that must never reach production. `npm start` creates the gateway's envelope key pair once per
 * checkout in `.data/keys/envelope-ed25519.json` (scripts/devKeys.ts): it sits unencrypted in a developer's working
 * copy, so a production service that signs with it, or trusts it, can be impersonated by anyone who had that laptop.
 * In production mode the gateway, every subgraph and `npm start` refuse to start with it and name the variable.
 *
 * The other published development values (the identity service's key-encryption secret, the seeded accounts'
 * passwords and the integrator apps' client secrets) are refused by the identity service itself
 * (subgraphs/identity/productionSafety.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where `npm start` keeps its development keys unless KEYS_DIR says otherwise (relative to the repository). */
export const DEFAULT_DEV_KEYS_DIR = ".data/keys";
export const DEV_ENVELOPE_KEY_FILE = "envelope-ed25519.json";
/** The resident-directory key `npm start` shares between identity and the subgraphs (RESIDENT_DIRECTORY_KEY). */
export const DEV_RESIDENT_DIRECTORY_KEY_FILE = "resident-directory.key";

const REPOSITORY = fileURLToPath(new URL("..", import.meta.url));

/** The folder `npm start` uses for development keys, as it resolves KEYS_DIR. */
export function devKeysDir(keysDir: string | undefined): string {
  const dir = keysDir || DEFAULT_DEV_KEYS_DIR;
  return isAbsolute(dir) ? dir : join(REPOSITORY, dir);
}

/** The development envelope key pair, when `npm start` has created one; null otherwise (or when unreadable). */
export function developmentEnvelopeKeys(keysDir: string | undefined): { privateKey: string; publicKey: string } | null {
  const path = join(devKeysDir(keysDir), DEV_ENVELOPE_KEY_FILE);
  if (!existsSync(path)) return null;
  try {
    const keys = JSON.parse(readFileSync(path, "utf8")) as { privateKey?: unknown; publicKey?: unknown };
    return typeof keys.privateKey === "string" && typeof keys.publicKey === "string"
      ? { privateKey: keys.privateKey, publicKey: keys.publicKey }
      : null;
  } catch {
    return null;
  }
}

/**
 * Every development key among the given variables (the envelope key pair, the resident-directory key), as one sentence each naming the variable; empty when
 * there is none. KEYS_DIR points at a development key folder other than the default, as for `npm start`.
 */
export function developmentKeyProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const directoryKey = developmentDirectoryKey(env.KEYS_DIR);
  if (directoryKey && env.RESIDENT_DIRECTORY_KEY?.trim() === directoryKey) {
    problems.push(
      `RESIDENT_DIRECTORY_KEY is the development key \`npm start\` created in ${join(devKeysDir(env.KEYS_DIR), DEV_RESIDENT_DIRECTORY_KEY_FILE)}: production shares a key of its own between identity and the subgraphs.`,
    );
  }
  const dev = developmentEnvelopeKeys(env.KEYS_DIR);
  if (!dev) return problems;
  const where = `the development key \`npm start\` created in ${join(devKeysDir(env.KEYS_DIR), DEV_ENVELOPE_KEY_FILE)}`;
  if (env.ENVELOPE_PRIVATE_KEY?.trim() === dev.privateKey) {
    problems.push(
      `ENVELOPE_PRIVATE_KEY is ${where}: production signs envelopes with a key pair of its own (docs/gateway.md).`,
    );
  }
  const trusted = (env.ENVELOPE_PUBLIC_KEYS ?? "").split(",").map((key) => key.trim());
  if (trusted.includes(dev.publicKey)) {
    problems.push(`ENVELOPE_PUBLIC_KEYS trusts ${where}: remove it, so only the production gateway's key is trusted.`);
  }
  return problems;
}

function developmentDirectoryKey(keysDir: string | undefined): string | null {
  const path = join(devKeysDir(keysDir), DEV_RESIDENT_DIRECTORY_KEY_FILE);
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, "utf8").trim() || null;
  } catch {
    return null;
  }
}
