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
  extensions?: { code?: string; problems?: OperationProblem[] };
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

/** One operation the schema registry registered for an app (its SHA-256 and name). */
export interface RegisteredOperation {
  hash: string;
  operationName: string | null;
}
/** What the registry found wrong with a document (TRUSTED_DOCUMENT_INVALID's `problems`). */
export interface OperationProblem {
  index: number;
  hash: string;
  message: string;
}

/**
 * Registers trusted operations for an app through the schema registry's route on this origin
 * (`POST /registry/apps/<appId>/operations`, docs/registry.md), with the in-memory bearer: the registry checks each
 * document against the current supergraph and answers `{registered}` or coded errors (TRUSTED_DOCUMENT_INVALID with
 * `problems`, FORBIDDEN, REGISTRY_UNAVAILABLE …).
 */
export async function registerOperations(
  appId: string,
  documents: string[],
): Promise<GraphResult<{ registered: RegisteredOperation[] }>> {
  const token = accessToken();
  if (!token) {
    await signIn({ silent: true });
    return new Promise(() => {});
  }
  const response = await fetch(`/registry/apps/${encodeURIComponent(appId)}/operations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ documents }),
  });
  const body = (await response.json().catch(() => null)) as {
    registered?: RegisteredOperation[];
    errors?: GraphError[];
  } | null;
  if (response.ok && Array.isArray(body?.registered)) return { data: { registered: body.registered } };
  return { errors: body?.errors ?? [{ message: `HTTP ${response.status}` }] };
}
