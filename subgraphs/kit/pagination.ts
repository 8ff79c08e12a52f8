/**
 * Cursor connections (Relay style) over keyset pagination by `id`: stable under inserts, one SQL query per page
 * (plus one `count` only when `totalCount` is selected).
 */
import { codedError } from "../../lib/errors.ts";

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** The arguments of a list field with a filter input: `hospitals(first, after, filter)`. */
export type ListArgs<F> = ConnectionArgs & { filter?: F | null };

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A function so the count query runs only when the field is selected (graphql-js calls it lazily). */
  totalCount: () => Promise<number>;
}

export interface PageRequest {
  /** Rows to fetch: the page size plus one, to learn whether another page follows. */
  take: number;
  /** Fetch rows with an id greater than this one, in ascending id order. */
  afterId: string | undefined;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(list: string, id: string): string {
  return Buffer.from(`${list}:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(list: string, cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const prefix = `${list}:`;
  if (!decoded.startsWith(prefix) || decoded.length === prefix.length) {
    throw codedError(
      "INVALID_CURSOR",
      `The cursor "${cursor.slice(0, 40)}" was not issued by the ${list} list; pass an endCursor from that list or omit "after".`,
      { argument: "after" },
    );
  }
  return decoded.slice(prefix.length);
}

/**
 * Pages through a list. `fetch` must return rows ordered by ascending `id`, after `afterId`, at most `take` rows.
 */
export async function paginate<T extends { id: string }>(
  list: string,
  args: ConnectionArgs,
  fetch: (page: PageRequest) => Promise<T[]>,
  count: () => Promise<number>,
  maxPageSize = MAX_PAGE_SIZE,
): Promise<Connection<T>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw codedError(
      "PAGE_SIZE_OUT_OF_RANGE",
      `"first" is ${first}; ask for between 1 and ${maxPageSize} ${list} per page and follow pageInfo.endCursor.`,
      { argument: "first", max: maxPageSize },
    );
  }
  const afterId = args.after ? decodeCursor(list, args.after) : undefined;
  const rows = await fetch({ take: first + 1, afterId });
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(list, node.id), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  };
}
