/**
 * One row rule per entity type (行级权限), defined once next to the type and applied on every path that reaches a row:
 * root by-id fields, root lists, nested fields of other types and `__resolveReference` (what `_entities` calls). A
 * row the caller may not see answers exactly like a missing one: null by id, absent from lists.
 *
 * ```ts
 * export const enterpriseRows = rowRule<Enterprise, EnterpriseContext>("Enterprise", (_row, { principal }) => isOfficer(principal));
 * const byId = resolveById<EnterpriseContext>(); // ./references.ts
 * Query: { enterprise: byId.argument("enterpriseById", enterpriseRows) }
 * Enterprise: { __resolveReference: byId.reference("enterpriseById", enterpriseRows) }
 * ```
 *
 * Records about residents use the richer `ResidentRecordRule` (actingResident.ts: resident, department, jurisdiction);
 * `residentRecordRows` turns one into a `RowRule`, so `test/rows/pathEquivalence.test.ts` can treat every type alike.
 */
import type { Principal } from "../../lib/principal.ts";
import { actsFor, mayReadRecord, type ReachContext, type ResidentRecordRule } from "./actingResident.ts";
import { type Connection, type ConnectionArgs, type PageRequest, paginate } from "./pagination.ts";

export interface RowRule<R, C> {
  /** The GraphQL type the rule guards, for messages and docs. */
  type: string;
  /**
   * Whether the caller may see any row of the type at all: lists answer an empty page (with a total of 0) without a
   * query when not, so pages and totals never count rows the caller cannot see.
   */
  seesAny(context: C): boolean;
  /** Whether the caller may see this row. */
  mayRead(row: R, context: C): boolean | Promise<boolean>;
}

/**
 * A rule decided by the caller alone (a register for officers, say): `seesAny` and `mayRead` agree by construction.
 */
export function callerRowRule<R, C extends { principal: Principal }>(
  type: string,
  allows: (principal: Principal) => boolean,
): RowRule<R, C> {
  return {
    type,
    seesAny: (context) => allows(context.principal),
    mayRead: (_row, context) => allows(context.principal),
  };
}

/** A rule that looks at each row. `seesAny` narrows callers who can never see a row (default: anyone may). */
export function rowRule<R, C>(
  type: string,
  mayRead: (row: R, context: C) => boolean | Promise<boolean>,
  seesAny: (context: C) => boolean = () => true,
): RowRule<R, C> {
  return { type, seesAny, mayRead };
}

/** A record type about residents, as a row rule (see `ResidentRecordRule`). */
export function residentRecordRows<R, C extends ReachContext>(
  type: string,
  records: ResidentRecordRule<R, C>,
): RowRule<R, C> {
  return {
    type,
    seesAny: ({ principal }) =>
      principal.kind === "resident" ||
      principal.kind === "officer" ||
      (principal.kind === "enterprise" && records.enterpriseOf !== undefined),
    mayRead: (row, context) => mayReadRecord(records, row, context),
  };
}

/** The row, or null when there is none or the caller may not see it: both answer the same. */
export async function visibleRow<R, C>(rule: RowRule<R, C>, row: R | null | undefined, context: C): Promise<R | null> {
  if (row === null || row === undefined || !rule.seesAny(context)) return null;
  return (await rule.mayRead(row, context)) ? row : null;
}

/** The rows the caller may see, in their order; checked in one tick so loader lookups batch. */
export async function visibleRows<R, C>(rule: RowRule<R, C>, rows: readonly R[], context: C): Promise<R[]> {
  if (!rule.seesAny(context)) return [];
  const verdicts = await Promise.all(rows.map((row) => rule.mayRead(row, context)));
  return rows.filter((_, index) => verdicts[index]);
}

/**
 * A page (`paginate`) of rows under the rule: a caller who sees no row of the type gets an empty page and a total of
 * 0 without a query; otherwise every fetched row still meets `mayRead`. A rule that looks at each row must also be
 * pushed into `fetch` and `count` (a where clause), or pages would come back short and totals would count hidden rows.
 */
export function paginateVisible<T extends { id: string }, C>(
  rule: RowRule<T, C>,
  context: C,
  list: string,
  args: ConnectionArgs,
  fetch: (page: PageRequest) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  if (!rule.seesAny(context)) {
    return paginate(
      list,
      args,
      async () => [],
      async () => 0,
    );
  }
  return paginate(list, args, async (page) => visibleRows(rule, await fetch(page), context), count);
}

/**
 * The district's registers that only officers read (the enterprise register 在册企业: legal representative, revenue,
 * employees …): one rule, applied by every subgraph that serves the type — the enterprise subgraph that owns it and
 * the catalog that extends it — on every path.
 */
export function officerRegisterRows<R, C extends { principal: Principal }>(type: string): RowRule<R, C> {
  return callerRowRule(type, (principal) => principal.kind === "officer" && principal.departmentId !== null);
}

/**
 * A register of enterprises read by officers (as `officerRegisterRows`) and, row by row, by the enterprise user
 * (法人) acting for the row's enterprise (`enterpriseOf`): an enterprise sees its own entry and its own grants, never
 * another enterprise's.
 */
export function enterpriseRegisterRows<R, C extends { principal: Principal }>(
  type: string,
  enterpriseOf: (row: R) => string,
): RowRule<R, C> {
  const officers = officerRegisterRows<R, C>(type);
  return {
    type,
    seesAny: (context) => officers.seesAny(context) || context.principal.kind === "enterprise",
    mayRead: (row, context) => officers.seesAny(context) || actsFor(context.principal, enterpriseOf(row)),
  };
}
