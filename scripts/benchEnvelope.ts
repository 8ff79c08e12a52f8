/**
 * The per-request cost of the bound envelope (lib/wire.ts): `npm run bench:envelope`.
 *
 * Measures, for a typical subgraph request (an `_entities` fetch of ~0.8 KB, and a large one of ~13 KB), in µs per
 * operation on one core: the SHA-256 of the body alone, signing (hash + nonce + JSON + Ed25519), verifying (Ed25519 +
 * JSON + binding, which hashes the received body again), the nonce claim in the memory store, and the whole receiving
 * end (verify + claim). For comparison, the bare Ed25519 sign and verify of a payload of the same size: what the
 * unbound v1 envelope already paid. Prints one JSON line per body size. No server, no network.
 */
import { createPrivateKey, createPublicKey, sign as ed25519Sign, verify as ed25519Verify } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  bodySha256,
  createEnvelopeSigner,
  createEnvelopeVerifier,
  type EnvelopeClaims,
  generateEnvelopeKeys,
  nonceExpiresAt,
} from "../lib/wire.ts";
import { createMemoryNonceStore } from "../subgraphs/kit/nonceStore.ts";

const keys = generateEnvelopeKeys();
const sign = createEnvelopeSigner(keys.privateKey);
const verify = createEnvelopeVerifier([keys.publicKey], "health");
const claims: EnvelopeClaims = {
  aud: "health",
  requestId: "2f0c7a4e-3b8d-4a51-9d1e-6a7b8c9d0e1f",
  purpose: "medical-treatment",
  caseReference: "WJW-2026-000123",
  clientAddress: "203.0.113.7",
  principal: {
    kind: "officer",
    id: "person-000003",
    roles: ["officer"],
    scopes: ["graph:read", "catalog:read", "health:read", "clearance:sensitive"],
    departmentId: "dept-health",
    streetIds: ["street-linfenlu", "street-pengpu"],
    residentId: null,
    sessionId: "sess-9f8e7d6c",
    issuer: "jingan-one-graph-identity",
  },
};

/** An `_entities` fetch as Apollo's planner sends it, with `n` representations. */
function entityFetch(n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      query:
        "query($representations:[_Any!]!){_entities(representations:$representations){...on Street{hospitals{id name level address appointmentSlots(first:5){edges{node{id startsAt estimatedWaitMinutes}}}}}}}",
      variables: {
        representations: Array.from({ length: n }, (_, i) => ({ __typename: "Street", id: `street-${i}` })),
      },
    }),
  );
}

function measure(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const micros = ((performance.now() - started) * 1000) / iterations;
  return Math.round(micros * 100) / 100;
}

const iterations = Number(process.env.ITERATIONS ?? 20_000);
for (const representations of [14, 300]) {
  const body = entityFetch(representations);
  const request = { method: "POST", path: "/graphql", body };
  const headers = Array.from({ length: iterations + 2000 }, () => sign(claims, request));
  let next = 0;
  const store = createMemoryNonceStore({ maxEntries: 10_000_000 });
  let claimNext = 0;
  const verified = headers.map((header) => {
    const result = verify(header, request);
    if (!result.ok) throw new Error(`bench envelope refused: ${result.reason}`);
    return result.envelope;
  });
  const privateKey = createPrivateKey({ key: Buffer.from(keys.privateKey, "base64"), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const payload = Buffer.from((headers[0] ?? "").split(".").slice(0, 3).join("."));
  const signature = ed25519Sign(null, payload, privateKey);
  const result = {
    bodyBytes: body.length,
    envelopeBytes: headers[0]?.length,
    sha256Us: measure(iterations, () => bodySha256(body)),
    bareEd25519SignUs: measure(iterations, () => ed25519Sign(null, payload, privateKey)),
    bareEd25519VerifyUs: measure(iterations, () => ed25519Verify(null, payload, publicKey, signature)),
    signUs: measure(iterations, () => sign(claims, request)),
    verifyUs: measure(iterations, () => verify(headers[next++ % headers.length], request)),
    nonceClaimUs: 0,
    receiveUs: 0,
  };
  const nonceStart = performance.now();
  for (let i = 0; i < iterations; i++) {
    const envelope = verified[claimNext++ % verified.length];
    if (envelope) void store.claim(`${envelope.aud}:${envelope.nonce}:${i}`, nonceExpiresAt(envelope));
  }
  result.nonceClaimUs = Math.round(((performance.now() - nonceStart) * 1000 * 100) / iterations) / 100;
  result.receiveUs = Math.round((result.verifyUs + result.nonceClaimUs) * 100) / 100;
  console.log(JSON.stringify({ node: process.version, iterations, ...result }));
}
