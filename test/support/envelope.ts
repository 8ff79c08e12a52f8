/**
 * One envelope key pair for the whole test process, as the gateway and subgraphs share one in a deployment.
 * Tests that talk to a subgraph directly sign as the gateway would (`signedHeaders`).
 */

import { type Principal, systemPrincipal } from "../../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER, generateEnvelopeKeys } from "../../lib/wire.ts";

export const testEnvelopeKeys = generateEnvelopeKeys();
const sign = createEnvelopeSigner(testEnvelopeKeys.privateKey);

/** The principal tests act as when they do not name one: the harness itself. */
export const TEST_PRINCIPAL: Principal = systemPrincipal("test-harness");

export function signedHeaders(
  audience: string,
  options: { principal?: Principal; purpose?: string | null; requestId?: string } = {},
): Record<string, string> {
  return {
    [ENVELOPE_HEADER]: sign({
      aud: audience,
      requestId: options.requestId ?? `test-${Math.random().toString(36).slice(2, 12)}`,
      purpose: options.purpose ?? null,
      principal: options.principal ?? TEST_PRINCIPAL,
    }),
  };
}

/** An officer of a department at its front desk (may act for any resident in that department's mutations). */
export function officerOf(departmentId: string): Principal {
  return {
    kind: "officer",
    id: `person-officer-${departmentId}`,
    roles: ["officer"],
    scopes: [],
    departmentId,
    streetIds: [],
    residentId: null,
    sessionId: null,
    issuer: "test",
  };
}

/** A logged-in resident. */
export function residentPrincipal(residentId: string): Principal {
  return {
    ...officerOf("none"),
    kind: "resident",
    id: `person-${residentId}`,
    roles: ["resident"],
    departmentId: null,
    residentId,
  };
}
