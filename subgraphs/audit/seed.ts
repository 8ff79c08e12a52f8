/**
 * Seeds the audit trail with historical records (seedData.ts) through the same chain code as the gateway's batches.
 * Idempotent: records are appended only while the chain has never held any (checked under the chain lock), so a
 * second start, or a second replica starting at once, changes nothing — and records pruned by retention never return.
 */

import { auditRecordSchema } from "../../lib/contracts/auditRecord.ts";
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import { appendRecords } from "./chain.ts";
import type { AuditPrisma } from "./loaders.ts";
import { buildSeedRecords } from "./seedData.ts";

export async function seed(prisma: AuditPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const records = buildSeedRecords(options.date).map((record) => auditRecordSchema.parse(record));
  await appendRecords(db, records, { onlyIfChainEmpty: true });
  return { dataAccessRecords: await prisma.dataAccessRecord.count() };
}
