/**
 * The explorer: GraphiQL 5 bundled with the portal (editor, workers, styles; nothing from a CDN), sending the
 * signed-in person's in-memory token with every request, so the graph answers as it would answer them.
 */
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import type { Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { runDocument } from "../graph.ts";
import { useT } from "../i18n.tsx";

const fetcher: Fetcher = async (params) =>
  (await runDocument(
    params.query,
    params.operationName ?? undefined,
    (params.variables as Record<string, unknown> | undefined) ?? {},
  )) as Awaited<ReturnType<Fetcher>>;

/** GraphiQL keeps tabs and history here, in memory: nothing of the explorer goes to localStorage either. */
const memory = new Map<string, string>();
const memoryStorage = {
  getItem: (key: string) => memory.get(key) ?? null,
  setItem: (key: string, value: string) => void memory.set(key, value),
  removeItem: (key: string) => void memory.delete(key),
  clear: () => memory.clear(),
  get length() {
    return memory.size;
  },
  key: (index: number) => [...memory.keys()][index] ?? null,
} satisfies Storage;

const DEFAULT_QUERY = `# 以当前登录身份查询 · querying as the signed-in person
query Me {
  me {
    displayName
    kind
    roles
  }
  street(id: "street-linfenlu") {
    name
  }
}
`;

export default function ExplorerPage() {
  const t = useT();
  return (
    <>
      <h1>{t("explorer")}</h1>
      <p>{t("explorerHint")}</p>
      <div className="explorer" data-testid="explorer">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} storage={memoryStorage} />
      </div>
    </>
  );
}
