/**
 * The `DataResourceFilter` input: validated once, normalised to a canonical form (so equal filters batch together
 * in the loaders), and turned into a Prisma condition.
 */
import { codedError } from "../../lib/errors.ts";
import type { DataClassification, DataOpenStatus, DataUpdateFrequency, Prisma } from "./generated/prisma/client.ts";

/** The GraphQL input as it arrives (every field optional or null). */
export interface DataResourceFilterInput {
  ownerDepartmentId?: string | null;
  streetId?: string | null;
  classification?: DataClassification | null;
  openStatus?: DataOpenStatus | null;
  updateFrequency?: DataUpdateFrequency | null;
  nameContains?: string | null;
}

/** A validated filter: absent conditions are `undefined`, fields always in the same order. */
export interface DataResourceFilter {
  ownerDepartmentId: string | undefined;
  streetId: string | undefined;
  classification: DataClassification | undefined;
  openStatus: DataOpenStatus | undefined;
  updateFrequency: DataUpdateFrequency | undefined;
  nameContains: string | undefined;
  /**
   * The row rule, carried in the filter so every list, count and batched page applies it in SQL: true for callers
   * who may not read the restricted catalogue (`dataResourceRows`), who see OPEN and CONDITIONAL resources only.
   */
  openedOnly: boolean;
}

export const MAX_NAME_CONTAINS_LENGTH = 50;

/** Statuses of the public open-data list (公共数据开放清单): what a caller without `catalog:read` may see. */
export const OPENED_STATUSES: readonly DataOpenStatus[] = ["OPEN", "CONDITIONAL"];

/**
 * The filter as the caller asked it, with the row rule for this caller (`readsWholeCatalogue`: see the restricted
 * entries too).
 */
export function parseFilter(
  input: DataResourceFilterInput | null | undefined,
  readsWholeCatalogue: boolean,
): DataResourceFilter {
  const nameContains = input?.nameContains?.trim() || undefined;
  if (nameContains && nameContains.length > MAX_NAME_CONTAINS_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      `"filter.nameContains" has ${nameContains.length} characters; search with at most ${MAX_NAME_CONTAINS_LENGTH}.`,
      { argument: "filter.nameContains" },
    );
  }
  return {
    ownerDepartmentId: input?.ownerDepartmentId ?? undefined,
    streetId: input?.streetId ?? undefined,
    classification: input?.classification ?? undefined,
    openStatus: input?.openStatus ?? undefined,
    updateFrequency: input?.updateFrequency ?? undefined,
    nameContains,
    openedOnly: !readsWholeCatalogue,
  };
}

/** A string that is equal for equal filters, for DataLoader cache and batch keys. */
export function filterKey(filter: DataResourceFilter): string {
  return JSON.stringify(filter);
}

export function resourceWhere(filter: DataResourceFilter): Prisma.DataResourceWhereInput {
  return {
    ownerDepartmentId: filter.ownerDepartmentId,
    streetId: filter.streetId,
    classification: filter.classification,
    openStatus: filter.openStatus,
    updateFrequency: filter.updateFrequency,
    ...(filter.nameContains ? { name: { contains: filter.nameContains, mode: "insensitive" as const } } : {}),
    ...(filter.openedOnly ? { AND: [{ openStatus: { in: [...OPENED_STATUSES] } }] } : {}),
  };
}
