/**
 * GET /access/purposes (identity → gateway): the active purposes of processing (处理目的登记) with the revision they
 * were read at. The identity service serves it (subgraphs/identity/access/purposeStore.ts `activeSet()`), every
 * gateway replica polls it (gateway/authorization/purposes.ts); both import this schema. What one purpose says is
 * the definition security admins write, lib/access/purposes.ts.
 *
 * A payload that does not match is refused whole and the gateway keeps the registry it had. One purpose the reader
 * cannot read does not refuse the registry: it reads as `null` and is left out, so nobody may declare it.
 */
import { z } from "zod";
import { PURPOSE_NAME, purposeDefinitionSchema } from "../access/purposes.ts";

/** One active purpose: its name, the active version and that version's definition. */
export const activePurposeSchema = purposeDefinitionSchema.extend({
  name: z.string().regex(PURPOSE_NAME, "must be a purpose name (lower-case words joined by dashes)"),
  version: z.number().int().positive(),
});

export const purposeRegistrySchema = z.object({
  /** The newest purpose change id; 0 before any purpose exists. The poll sends it back as `?since=` (304 if current). */
  revision: z.number().int().min(0),
  /** `null`: a purpose this reader cannot read, which allows nobody. */
  purposes: z.array(activePurposeSchema.nullable().catch(null)),
});

export type ActivePurposePayload = z.input<typeof activePurposeSchema>;
/** What the identity service serves. */
export type PurposeRegistryPayload = z.input<typeof purposeRegistrySchema>;
/** What the gateway reads. */
export type ParsedPurposeRegistry = z.output<typeof purposeRegistrySchema>;
