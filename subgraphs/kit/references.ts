/**
 * Rows by id, the way every department serves them: `__resolveReference` (what the gateway's `_entities` calls) and
 * root `thing(id:)` fields load through the request's by-id DataLoader, so one tick's ids cost one query, and, for a
 * type with a row rule, answer a row the caller may not see exactly like a missing one (null).
 *
 * ```ts
 * const byId = resolveById<HealthContext>();
 * Query: { hospital: byId.argument("hospitalById"), appointment: byId.argument("appointmentById", appointmentRecords) }
 * Hospital: { __resolveReference: byId.reference("hospitalById") }
 * ```
 */
import type DataLoader from "dataloader";
import { type ReachContext, type ResidentRecordRule, readableRecord } from "./actingResident.ts";
import { type RowRule, visibleRow } from "./rowRule.ts";

/** What a reference (and a `thing(id:)` argument) carries. */
export interface Reference {
  id: string;
}

/** The names of a request's loaders that load one row or null by a string id (`hospitalById`, …, as `loaderById`). */
export type ByIdLoaderName<L> = {
  [K in keyof L]: L[K] extends DataLoader<string, infer V> ? (null extends V ? K : never) : never;
}[keyof L];

/** The row a by-id loader loads. */
export type LoadedRow<Loader> = Loader extends DataLoader<string, infer V> ? NonNullable<V> : never;

/** Who may see a row: a `RowRule` (./rowRule.ts) or, for records about residents, a `ResidentRecordRule`. */
export type ReadRule<R, C> = RowRule<R, C> | ResidentRecordRule<R, C>;

/** The row, or null when there is none or the rule hides it from the caller. */
async function readable<R, C extends ReachContext>(row: R | null, rule: ReadRule<R, C> | undefined, context: C) {
  if (!rule) return row;
  return "seesAny" in rule ? visibleRow(rule, row, context) : readableRecord(rule, row, context);
}

/** Resolvers that load rows by id through the loaders of context type `C` (see the module comment). */
export function resolveById<C extends ReachContext & { loaders: object }>() {
  type Loaders = C["loaders"];
  const load = <K extends ByIdLoaderName<Loaders>>(context: C, loader: K, id: string) =>
    // `ByIdLoaderName` admits only DataLoader<string, … | null> members; TypeScript cannot narrow `Loaders[K]` by it.
    (
      (context.loaders as Record<PropertyKey, unknown>)[loader] as DataLoader<string, LoadedRow<Loaders[K]> | null>
    ).load(id);
  return {
    /** `__resolveReference` of a type: the row by the reference's id, under `rule` when given. */
    reference:
      <K extends ByIdLoaderName<Loaders>>(loader: K, rule?: ReadRule<LoadedRow<Loaders[K]>, C>) =>
      async (reference: Reference, context: C): Promise<LoadedRow<Loaders[K]> | null> =>
        readable(await load(context, loader, reference.id), rule, context),
    /** A root field `thing(id: ID!)`: the row by its `id` argument, under `rule` when given. */
    argument:
      <K extends ByIdLoaderName<Loaders>>(loader: K, rule?: ReadRule<LoadedRow<Loaders[K]>, C>) =>
      async (_parent: unknown, args: Reference, context: C): Promise<LoadedRow<Loaders[K]> | null> =>
        readable(await load(context, loader, args.id), rule, context),
  };
}
