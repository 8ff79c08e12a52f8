/**
 * What the manifests rely on at run time, checked on real processes: a subgraph starts in production mode with only
 * its own variables, and the envelope keys made with OpenSSL as docs/deploy.md shows are the keys the services use.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemPrincipal } from "../../lib/principal.ts";
import { createEnvelopeSigner, createEnvelopeVerifier, generateEnvelopeKeys } from "../../lib/wire.ts";
import { PROJECT_ROOT } from "../../scripts/deploy/check.ts";

const scratch = mkdtempSync(join(tmpdir(), "og-production-start-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const openssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("production start-up", () => {
  it("a subgraph starts with NODE_ENV=production without identity's key-encryption secret", {
    timeout: 180_000,
  }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/subgraph.ts", "catalog"], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: "0",
        SEED: "false",
        DATA_DIR: join(scratch, "catalog"),
        ENVELOPE_PUBLIC_KEYS: generateEnvelopeKeys().publicKey,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("is listening")) resolve(output);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    try {
      expect(await listening).toContain('"service":"catalog"');
    } finally {
      child.kill("SIGTERM");
    }
  });

  it.skipIf(!openssl)("the envelope keys made with openssl as in docs/deploy.md sign and verify", () => {
    // The commands of docs/deploy.md, step 4.
    const doc = readFileSync(join(PROJECT_ROOT, "docs/deploy.md"), "utf8");
    expect(doc).toContain("openssl genpkey -algorithm ed25519 -outform DER -out envelope.der");
    expect(doc).toContain("openssl pkey -inform DER -in envelope.der -pubout -outform DER | base64 -w0");
    const der = join(scratch, "envelope.der");
    execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-outform", "DER", "-out", der]);
    const privateKey = readFileSync(der).toString("base64");
    const publicKey = execFileSync("openssl", [
      "pkey",
      "-inform",
      "DER",
      "-in",
      der,
      "-pubout",
      "-outform",
      "DER",
    ]).toString("base64");
    const sign = createEnvelopeSigner(privateKey);
    const verify = createEnvelopeVerifier([publicKey], "catalog");
    const request = { method: "POST", path: "/graphql", body: '{"query":"{ __typename }"}' };
    const header = sign(
      { aud: "catalog", requestId: "r-1", purpose: null, principal: systemPrincipal("deploy-test") },
      request,
    );
    expect(verify(header, request)).toMatchObject({ ok: true });
  });
});
