/**
 * GET /access/trusted-documents (identity → gateway): every integrator app in trusted-documents mode with the
 * operations it may run, by SHA-256 of their text. The identity service serves it
 * (subgraphs/identity/apps/trustedDocuments.ts), the gateway polls it (gateway/protection/trustedDocuments.ts); both
 * import this schema. A payload that does not match is refused whole and the gateway keeps the set it had.
 */
import { z } from "zod";

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
