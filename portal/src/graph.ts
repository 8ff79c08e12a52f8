/**
 * The one graph, from the portal: POST /graphql on this origin with the in-memory bearer (auth.ts). Operations are
 * the `.graphql` files in portal/operations/, one named operation each, so they can be registered as trusted
 * documents for the portal (docs/portal.md).
 */
import { accessToken, signIn } from "./auth.ts";

const files = import.meta.glob("../operations/*.graphql", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

/** Every operation of the portal by name (the file name without `.graphql`, which is also the operation's name). */
export const operations: Record<string, string> = Object.fromEntries(
  Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, "").replace(/\.graphql$/, ""), text]),
);

export interface GraphError {
  message: string;
  extensions?: { code?: string };
}
export interface GraphResult<T> {
  data?: T | null;
  errors?: GraphError[];
}

export function documentOf(name: string): string {
  const text = operations[name];
  if (!text) throw new Error(`The portal has no operation ${name} in portal/operations/.`);
  return text;
}

/** Runs one of the portal's operations; an expired session signs in again silently (a page navigation). */
export async function run<T>(
  name: string,
  variables: Record<string, unknown> = {},
  options: { purpose?: string } = {},
): Promise<GraphResult<T>> {
  return runDocument<T>(documentOf(name), name, variables, options);
}

export async function runDocument<T>(
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown> = {},
  options: { purpose?: string } = {},
): Promise<GraphResult<T>> {
  const token = accessToken();
  if (!token) {
    await signIn({ silent: true });
    return new Promise(() => {});
  }
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      ...(options.purpose ? { "x-og-purpose": options.purpose } : {}),
    },
    body: JSON.stringify({ query, operationName, variables }),
  });
  const body = (await response.json().catch(() => ({
    errors: [{ message: `HTTP ${response.status}` }],
  }))) as GraphResult<T>;
  return body;
}
