/**
 * Options of the audit service, with their defaults. `auditOptionsFromEnvironment` parses the environment the process
 * edge hands `configure` (AUDIT_RETENTION_DAYS, AUDIT_PRUNE_INTERVAL_MINUTES); everything else receives typed values.
 */
import { z } from "zod";
import { parseConfig } from "../../lib/config.ts";
import { assertRetentionDays, DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS } from "./retention.ts";

export interface AuditOptions {
  /** Days a record is kept (保存期限). Default 180; less than 180 is refused. */
  retentionDays?: number;
  /** How often, at most, ingestion triggers retention pruning. Default one hour. */
  pruneIntervalMs?: number;
  /** The current time. Tests fix it (retention); the service uses the real clock. */
  now?: () => Date;
  /** Largest accepted ingestion body in bytes. Default 8 MiB. */
  maxBatchBytes?: number;
}

export type ResolvedAuditOptions = Required<AuditOptions>;

export function resolveAuditOptions(options: AuditOptions = {}): ResolvedAuditOptions {
  const resolved = {
    retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
    pruneIntervalMs: options.pruneIntervalMs ?? 60 * 60 * 1000,
    now: options.now ?? (() => new Date()),
    maxBatchBytes: options.maxBatchBytes ?? 8 * 1024 * 1024,
  };
  assertRetentionDays(resolved.retentionDays);
  return resolved;
}

const environmentSchema = z.object({
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(MIN_RETENTION_DAYS, `must be at least ${MIN_RETENTION_DAYS} days`)
    .default(DEFAULT_RETENTION_DAYS),
  AUDIT_PRUNE_INTERVAL_MINUTES: z.coerce.number().int().min(1).default(60),
});

/** The audit options in an environment; every problem reported at once (ConfigError). */
export function auditOptionsFromEnvironment(env: Record<string, string | undefined>): AuditOptions {
  const config = parseConfig(environmentSchema, env);
  return { retentionDays: config.AUDIT_RETENTION_DAYS, pruneIntervalMs: config.AUDIT_PRUNE_INTERVAL_MINUTES * 60_000 };
}
