/**
 * Trusted documents (可信操作, 接入管理): an integrator app a security admin put in trusted-documents mode runs only the
 * operations registered for it at the identity service, each identified by the SHA-256 (hex) of its exact text.
 * The set is polled from identity (GET /access/trusted-documents, 304 when unchanged) like the access policies, so
 * a registration or a mode change reaches every replica within a poll, without a restart.
 *
 * A request of such an app names its operation either by `extensions.persistedQuery.sha256Hash` (Apollo APQ style,
 * with or without the document) or by sending a document whose hash is registered. Anything else — an unregistered
 * hash or document, a document that does not match the hash sent with it — ends before parsing with
 * `403 OPERATION_NOT_TRUSTED`. The check runs where the context is built (beside the purpose check), and the
 * registered text is what executes: `useTrustedDocuments` puts it in the request, so Apollo's own APQ cache plays no
 * part for these apps. Apps not in the set, people and anonymous callers are not affected.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { readPayload } from "../../lib/contracts/payload.ts";
import { documentHash, trustedDocumentSetSchema } from "../../lib/contracts/trustedDocuments.ts";
import { codedError } from "../../lib/errors.ts";
import { revisionPoller } from "../../lib/http/revisionPoller.ts";
import type { Principal } from "../../lib/principal.ts";
import type { GatewayContext } from "../context.ts";

/** app id → (hash → document) for every app in trusted-documents mode. */
export interface TrustedDocumentSet {
  revision: number;
  apps: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const EMPTY_TRUSTED_DOCUMENTS: TrustedDocumentSet = { revision: 0, apps: new Map() };

export interface TrustedDocumentSourceOptions {
  /** The identity service's `/access/trusted-documents` endpoint. */
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  onChange?: (set: TrustedDocumentSet) => void;
}

export interface TrustedDocumentSource {
  current(): TrustedDocumentSet;
  /** Polls now (start-up, tests). */
  refresh(): Promise<void>;
  stop(): void;
}

export function createTrustedDocumentSource(options: TrustedDocumentSourceOptions): TrustedDocumentSource {
  let set = EMPTY_TRUSTED_DOCUMENTS;
  const poller = revisionPoller({
    ...options,
    what: "trusted documents",
    revision: () => set.revision,
    apply: async (response) => {
      const body = await readPayload("trusted documents", trustedDocumentSetSchema, response);
      const apps = new Map<string, Map<string, string>>();
      for (const app of body.apps) {
        const documents = new Map<string, string>();
        // A document whose text does not hash to its key is left out: it could never be matched honestly.
        for (const { hash, document } of app.documents)
          if (documentHash(document) === hash) documents.set(hash, document);
        apps.set(app.appId, documents);
      }
      set = { revision: body.revision, apps };
      options.onChange?.(set);
    },
  });
  return { current: () => set, refresh: poller.refresh, stop: poller.stop };
}

/** The registered operation a request names: its hash and the text that will execute. */
export type TrustedOperation = NonNullable<GatewayContext["trustedOperation"]>;

/**
 * For an app in trusted-documents mode: the registered operation the request names, or a thrown 403
 * OPERATION_NOT_TRUSTED. For every other caller: null (nothing changes). `request` is the POST body (null for a GET)
 * and the URL's query string, as the HTTP edge parsed them.
 */
export function trustedOperationOf(
  set: TrustedDocumentSet,
  principal: Principal,
  request: { body: unknown; search: string },
): TrustedOperation | null {
  if (principal.kind !== "app" || principal.id === null) return null;
  const documents = set.apps.get(principal.id);
  if (!documents) return null;
  const { query, hash } = namedOperation(request);
  if (hash !== null && query !== null && documentHash(query) !== hash) {
    throw notTrusted("The document sent does not match extensions.persistedQuery.sha256Hash; send one or the other.");
  }
  const key = hash ?? (query !== null ? documentHash(query) : null);
  const document = key === null ? undefined : documents.get(key);
  if (key === null || document === undefined) {
    throw notTrusted(
      `This application runs only registered operations, and ${key === null ? "the request names none" : `operation ${key.slice(0, 16)}… is not registered for it`}: register it through the schema registry (npm run registry -- operations register) or send a registered one (by extensions.persistedQuery.sha256Hash or its exact text).`,
    );
  }
  return { hash: key, document };
}

function notTrusted(message: string) {
  return codedError("OPERATION_NOT_TRUSTED", message, { http: { status: 403 } });
}

/** The document and the APQ hash a POST body or GET query string carries (null where absent or malformed). */
function namedOperation({ body, search }: { body: unknown; search: string }): {
  query: string | null;
  hash: string | null;
} {
  let query: unknown;
  let extensions: unknown;
  if (body !== null && typeof body === "object") {
    ({ query, extensions } = body as { query?: unknown; extensions?: unknown });
  } else {
    const params = new URLSearchParams(search);
    query = params.get("query") ?? undefined;
    const raw = params.get("extensions");
    try {
      extensions = raw ? JSON.parse(raw) : undefined;
    } catch {
      extensions = undefined;
    }
  }
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  const hash = typeof persisted?.sha256Hash === "string" ? persisted.sha256Hash.toLowerCase() : null;
  return { query: typeof query === "string" && query !== "" ? query : null, hash };
}

/**
 * Puts the registered text of a trusted app's operation into the request (the context holds it: the check already
 * passed), and removes the persisted-query extension, so Apollo parses exactly the registered document and its APQ
 * cache is neither read nor written for these apps.
 */
export function useTrustedDocuments(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const trusted = contextValue.trustedOperation;
      if (!trusted) return;
      request.query = trusted.document;
      if (request.extensions?.persistedQuery) {
        const { persistedQuery: _, ...rest } = request.extensions;
        request.extensions = rest;
      }
    },
  };
}
