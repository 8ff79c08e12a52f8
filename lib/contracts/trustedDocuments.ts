/**
 * GET /access/trusted-documents (identity → gateway): every integrator app in trusted-documents mode with the
 * operations it may run, by SHA-256 of their text. The identity service serves it
 * (subgraphs/identity/apps/trustedDocuments.ts), the gateway polls it (gateway/protection/trustedDocuments.ts); both
 * import this schema. A payload that does not match is refused whole and the gateway keeps the set it had.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { principalKindSchema } from "./principal.ts";

/** A document's key: the SHA-256 (hex) of its exact text, as Apollo's persisted queries name it. */
export function documentHash(document: string): string {
  return createHash("sha256").update(document, "utf8").digest("hex");
}

/** The gateway's poll, the registry's writes and the registry's reads, all at identity. */
export const TRUSTED_DOCUMENTS_PATH = "/access/trusted-documents";
export const TRUSTED_DOCUMENTS_REGISTER_PATH = "/access/trusted-documents/register";
export const REGISTERED_OPERATIONS_PATH = "/access/trusted-documents/registered";

export const trustedDocumentSchema = z.object({
  /** SHA-256 (hex) of the document's exact text. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  document: z.string().min(1),
});

export const trustedDocumentSetSchema = z.object({
  /** The newest app lifecycle change; the gateway's `?since=`. */
  revision: z.number().int().nonnegative(),
  apps: z.array(z.object({ appId: z.string().min(1), documents: z.array(trustedDocumentSchema) })),
});

export type TrustedDocumentSetPayload = z.infer<typeof trustedDocumentSetSchema>;

/**
 * POST /access/trusted-documents/register (registry → identity): operations the registry checked against the current
 * supergraph, for one app, with the person who asked (the registry verified their token). Identity decides whether
 * that person may manage the app (its owner department's officer, or a security admin) and stores the documents.
 */
export const trustedDocumentRegistrationSchema = z.object({
  appId: z.string().min(1).max(200),
  actor: z.object({
    id: z.string().min(1),
    kind: principalKindSchema,
    departmentId: z.string().nullable(),
    roles: z.array(z.string()),
  }),
  documents: z
    .array(trustedDocumentSchema.extend({ operationName: z.string().min(1).nullable() }))
    .min(1)
    .max(100),
});

export type TrustedDocumentRegistration = z.infer<typeof trustedDocumentRegistrationSchema>;

/**
 * GET /access/trusted-documents/registered (identity → registry): every registered operation of every app, for the
 * registry's publish check (a change that would break one is refused, naming the app).
 */
export const registeredOperationsSchema = z.object({
  operations: z.array(trustedDocumentSchema.extend({ appId: z.string().min(1), operationName: z.string().nullable() })),
});

export type RegisteredOperationsPayload = z.infer<typeof registeredOperationsSchema>;
