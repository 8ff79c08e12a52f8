/**
 * Development keys for `npm start` and the benchmark: the gateway's envelope key pair, created once in
 * `.data/keys/` (owner-only permissions) and reused. Production supplies its own through the environment, and every
 * service refuses these in production mode (lib/developmentSecrets.ts).
 */

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEV_ENVELOPE_KEY_FILE, DEV_RESIDENT_DIRECTORY_KEY_FILE } from "../lib/developmentSecrets.ts";
import { type EnvelopeKeyPair, generateEnvelopeKeys } from "../lib/wire.ts";

export async function loadOrCreateDevKeys(dir: string): Promise<{ envelope: EnvelopeKeyPair }> {
  const path = join(dir, DEV_ENVELOPE_KEY_FILE);
  if (existsSync(path)) return { envelope: JSON.parse(await readFile(path, "utf8")) as EnvelopeKeyPair };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const envelope = generateEnvelopeKeys();
  await writeFile(path, JSON.stringify(envelope), { mode: 0o600 });
  return { envelope };
}

/** Environment entries that hand the envelope keys to the gateway (private) and to the subgraphs (public). */
export function envelopeEnv(keys: EnvelopeKeyPair): Record<string, string> {
  return { ENVELOPE_PRIVATE_KEY: keys.privateKey, ENVELOPE_PUBLIC_KEYS: keys.publicKey };
}

/** The resident-directory key shared by identity and the subgraphs (RESIDENT_DIRECTORY_KEY), made once per checkout. */
export async function loadOrCreateDevDirectoryKey(dir: string): Promise<string> {
  const path = join(dir, DEV_RESIDENT_DIRECTORY_KEY_FILE);
  if (existsSync(path)) return (await readFile(path, "utf8")).trim();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("base64url");
  await writeFile(path, key, { mode: 0o600 });
  return key;
}
