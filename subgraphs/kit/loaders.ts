/**
 * DataLoader factories for the two shapes every subgraph needs. Both batch all keys of one tick into one query
 * and return values in key order and length, as DataLoader requires. Create them per request (`createLoaders`).
 */
import DataLoader from "dataloader";

/** One row per key (`__resolveReference`, `hospital(id)`, foreign-key hops). Missing keys resolve to null. */
export function loaderById<T>(
  fetch: (ids: readonly string[]) => Promise<T[]>,
  idOf: (row: T) => string = (row) => (row as { id: string }).id,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await fetch(ids);
    const byId = new Map(rows.map((row) => [idOf(row), row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Many rows per key (a street's hospitals, a doctor's slots). Keys without rows resolve to []. */
export function loaderByGroup<T>(
  fetch: (keys: readonly string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = await fetch(keys);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
