/**
 * A page of one table, the way every department lists its rows: keyset by ascending `id` over a Prisma model
 * (`prisma.hospital`), one `findMany` per page and one `count` only when `totalCount` is selected.
 *
 * ```ts
 * hospitals: (_, args, { prisma }) => pageOf("hospitals", args, prisma.hospital, hospitalWhere(args.filter))
 * ```
 *
 * The order is not a parameter on purpose: a cursor is the last row's `id`, so only `id` order continues a page
 * where the previous one stopped. Lists in another order, or over loaders, call `paginate` (./pagination.ts).
 */
import { type Connection, type ConnectionArgs, type PageRequest, paginate } from "./pagination.ts";

/** What `pageOf` uses of a Prisma model delegate (`prisma.hospital` has it; so does a fake in a unit test). */
export interface KeysetTable<W, T> {
  findMany(args: { where: W; orderBy: { id: "asc" }; take: number }): Promise<T[]>;
  count(args: { where: W }): Promise<number>;
}

export interface PageOfOptions<T extends { id: string }> {
  /** The list's largest page (`first`); default `MAX_PAGE_SIZE`. */
  maxPageSize?: number;
  /**
   * A by-id loader to prime with each page's rows, so the page's own entity hops (and `_entities` in the same request)
   * cost no further query.
   */
  prime?: { prime(id: string, row: T): unknown };
}

/**
 * The row type of a table: what its `findMany` resolves to without a `select` (for a Prisma delegate, whose `findMany`
 * is generic, the model's full row).
 */
export type RowOf<Table> = Table extends { findMany(...args: never[]): Promise<Array<infer R>> } ? R : never;

/**
 * The rows after `afterId` (keyset pagination: a page continues after the last id of the previous one). The `id` key
 * is the cursor's: a filter on ids goes inside `AND: [...]`, where it is kept.
 */
export function keysetWhere<W extends object>(where: W, afterId: string | undefined): W {
  return afterId ? { ...where, id: { gt: afterId } } : where;
}

/** The `fetch` and `count` that `paginate` (or the row rules' `paginateVisible`) needs, over one table and filter. */
export function keysetRows<W extends object, Table extends KeysetTable<W, { id: string }>>(
  table: Table,
  where: W,
  prime?: PageOfOptions<RowOf<Table>>["prime"],
): { fetch: (page: PageRequest) => Promise<Array<RowOf<Table>>>; count: () => Promise<number> } {
  return {
    fetch: async ({ take, afterId }) => {
      // A delegate's generic findMany answers its full row type for these arguments (no select): RowOf<Table>.
      const rows = (await table.findMany({
        where: keysetWhere(where, afterId),
        orderBy: { id: "asc" },
        take,
      })) as Array<RowOf<Table>>;
      if (prime) for (const row of rows) prime.prime(row.id, row);
      return rows;
    },
    count: () => table.count({ where }),
  };
}

/** One page of `table`'s rows matching `where`, as a connection; `list` names the list in cursors and messages. */
export function pageOf<W extends object, Table extends KeysetTable<W, { id: string }>>(
  list: string,
  args: ConnectionArgs,
  table: Table,
  where: W,
  options: PageOfOptions<RowOf<Table>> = {},
): Promise<Connection<RowOf<Table>>> {
  const rows = keysetRows(table, where, options.prime);
  return paginate(list, args, rows.fetch, rows.count, options.maxPageSize);
}
