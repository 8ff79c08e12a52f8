/** Small shared pieces: running an operation in a component, showing its errors, plain accessible tables. */
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { type GraphError, type GraphResult, run } from "./graph.ts";
import { useT } from "./i18n.tsx";

export function useOperation<T>(name: string, variables: Record<string, unknown> = {}, skip = false) {
  const [result, setResult] = useState<GraphResult<T> | null>(null);
  const key = JSON.stringify(variables);
  const reload = useCallback(() => {
    if (skip) return;
    // The previous answer stays on screen until the new one arrives (forms below it keep their state).
    void run<T>(name, JSON.parse(key)).then(setResult);
  }, [name, key, skip]);
  useEffect(() => reload(), [reload]);
  return { data: result?.data ?? null, errors: result?.errors ?? [], loading: !skip && result === null, reload };
}

export function Errors({ errors }: { errors: GraphError[] }) {
  const t = useT();
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="errors">
      <strong>{t("error")}:</strong>
      <ul>
        {errors.map((error, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity of their own
          <li key={i}>
            {error.extensions?.code ? <code>{error.extensions.code}</code> : null} {error.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  const t = useT();
  return loading ? <p aria-live="polite">{t("loading")}</p> : null;
}

export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
}

export function Table<R>({
  caption,
  columns,
  rows,
  rowKey,
  testId,
}: {
  caption: string;
  columns: Column<R>[];
  rows: R[] | null | undefined;
  rowKey: (row: R) => string;
  testId?: string;
}) {
  const t = useT();
  const list = rows ?? [];
  return (
    <table data-testid={testId}>
      <caption>
        {caption} <span className="count">({list.length})</span>
      </caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {list.length === 0 ? (
          <tr>
            <td colSpan={columns.length}>{t("none")}</td>
          </tr>
        ) : (
          list.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.header}>{column.cell(row)}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** A date-time from the graph, shown in Shanghai time. */
export function when(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}
