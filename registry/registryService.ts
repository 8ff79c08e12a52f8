/**
 * The schema registry (接入管理): a small JSON-over-HTTP service beside identity and audit. Departments check and
 * publish their subgraph's SDL with a bearer token from the identity service; security administrators approve
 * breaking and security-relevant versions; gateways load the current supergraph and report field usage with their
 * signed envelope (docs/registry.md).
 *
 * | route | who |
 * | --- | --- |
 * | `POST /subgraphs/<name>/check` `{sdl, url?, manifest?}` | the owner department (any department for a new name) |
 * | `POST /subgraphs/<name>/publish` `{sdl, url?, manifest?}` | the owner department |
 * | `GET /subgraphs/<name>/versions` | the owner department, security administrators |
 * | `POST /subgraphs/<name>/versions/<v>/approve` | a security administrator other than the publisher |
 * | `POST /subgraphs/<name>/versions/<v>/reject` | a security administrator |
 * | `POST /subgraphs/<name>/rollback` `{version}` | the owner department, security administrators |
 * | `POST /apps/<appId>/operations` `{documents}` | an officer of the app's department, security administrators |
 * | `GET /supergraph` → `{revision, sdl, owners}` | the gateway (envelope, scope `registry:supergraph:read`) |
 * | `POST /usage` `{entries}` | the gateway (envelope, scope `registry:usage:write`) |
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createJwksSource } from "../gateway/auth/jwks.ts";
import { createTokenVerifier, districtPrincipal } from "../gateway/auth/tokenVerifier.ts";
import type { DepartmentManifest } from "../lib/contracts/departmentManifest.ts";
import { openSubgraphDatabase } from "../lib/db/database.ts";
import { migrate, readMigrations } from "../lib/db/migrate.ts";
import { type ErrorCode, errorBody, errorCodes } from "../lib/errors.ts";
import { closeGracefully } from "../lib/http/closeGracefully.ts";
import { sendJson } from "../lib/http/graphqlHttp.ts";
import { parseJsonBody, RequestBodyError, readBody } from "../lib/http/requestBody.ts";
import { createLogger, type Logger } from "../lib/log.ts";
import type { Principal } from "../lib/principal.ts";
import { graphResourceOf, oidcIssuerOf } from "../lib/publicOrigin.ts";
import { createEnvelopeVerifier, SYSTEM_SCOPES } from "../lib/wire.ts";
import { composeSupergraph } from "../scripts/composeSupergraph.ts";
import { publishedCatalogue } from "../subgraphs/catalog/seedData.ts";
import { createEnvelopeGuard } from "../subgraphs/kit/envelopeGuard.ts";
import { createMemoryNonceStore } from "../subgraphs/kit/nonceStore.ts";
import { bootstrapDistrictGraph } from "./bootstrap.ts";
import { apiSchemaOf, checkSubgraph, subgraphDocument } from "./checks.ts";
import type { RegistryConfig } from "./config.ts";
import {
  CATALOG_MANIFEST_PATH,
  createHttpManifestDelivery,
  DeliveryFailure,
  IDENTITY_MANIFEST_PATH,
  type ManifestDelivery,
} from "./delivery.ts";
import { judgeManifest } from "./manifests.ts";
import { checkOperations, MAX_OPERATION_DOCUMENTS } from "./operations.ts";
import { createRegistryStore, type RegistryStore, type UsageEntry } from "./registryStore.ts";
import { createHttpTrustedOperationStore, OperationRefusal, type TrustedOperationStore } from "./trustedOperations.ts";

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));
const MAX_BODY = 2 * 1024 * 1024;
const NAME = /^[a-z][a-z0-9_]{0,40}$/;
const MAX_USAGE_ENTRIES = 10_000;
const APP_ID = /^[a-z][a-z0-9-]{1,60}$/;
/** Identity's refusals of a registration passed on as they came; anything else is a failed delivery. */
const PASSED_ON: ReadonlySet<string> = new Set(["FORBIDDEN", "NOT_FOUND_ENTITY", "INVALID_STATE_TRANSITION"]);

export interface RegistryServer {
  url: string;
  port: number;
  store: RegistryStore;
  log: Logger;
  stop(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export async function startRegistry(
  config: RegistryConfig,
  options: {
    log?: Logger;
    now?: () => number;
    delivery?: ManifestDelivery;
    /** Where trusted operations are registered and read back (identity); default: over HTTP with the envelope key. */
    operations?: TrustedOperationStore;
  } = {},
): Promise<RegistryServer> {
  const log = options.log ?? createLogger({ service: "registry", level: config.LOG_LEVEL });
  const now = options.now ?? Date.now;
  const db = await openSubgraphDatabase({
    schema: "registry",
    databaseUrl: config.DATABASE_URL,
    dataDir: config.REGISTRY_DATA_DIR,
  });
  await migrate(db, await readMigrations(MIGRATIONS));
  const store = createRegistryStore(db);
  if (config.REGISTRY_BOOTSTRAP) {
    const registered = await bootstrapDistrictGraph(store);
    if (registered > 0) log.info({ subgraphs: registered }, "registry bootstrapped with the district's subgraphs");
  }

  const delivery: ManifestDelivery | null =
    options.delivery ??
    (config.ENVELOPE_PRIVATE_KEY
      ? createHttpManifestDelivery({
          privateKey: config.ENVELOPE_PRIVATE_KEY,
          targets: [
            { service: "identity", url: `${config.IDENTITY_URL}${IDENTITY_MANIFEST_PATH}` },
            { service: "catalog", url: `${config.CATALOG_URL}${CATALOG_MANIFEST_PATH}` },
          ],
        })
      : null);
  const operations: TrustedOperationStore | null =
    options.operations ??
    (config.ENVELOPE_PRIVATE_KEY
      ? createHttpTrustedOperationStore({ identityUrl: config.IDENTITY_URL, privateKey: config.ENVELOPE_PRIVATE_KEY })
      : null);
  const catalogue = publishedCatalogue();
  /** The API schema of the current supergraph, rebuilt when its revision changes. */
  let apiSchema: { revision: number; schema: ReturnType<typeof apiSchemaOf> } | null = null;

  const jwks = createJwksSource({ url: `${config.IDENTITY_URL}/.well-known/jwks.json`, now: options.now });
  const verifyToken = createTokenVerifier({
    clockToleranceSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    issuers: [
      {
        issuer: config.TOKEN_ISSUER,
        audience: config.TOKEN_AUDIENCE,
        algorithms: ["ES256"],
        jwks,
        toPrincipal: districtPrincipal,
      },
      // The same identity service's OpenID Connect provider (single sign-on, e.g. the portal through the gateway's
      // /registry/ route): the same keys and claims, issued as `<PUBLIC_ORIGIN>/oidc` for `<PUBLIC_ORIGIN>/graphql`.
      {
        issuer: oidcIssuerOf(config.PUBLIC_ORIGIN),
        audience: graphResourceOf(config.PUBLIC_ORIGIN),
        algorithms: ["ES256"],
        jwks,
        toPrincipal: districtPrincipal,
      },
    ],
  });
  const envelopes = createEnvelopeGuard({
    verify: createEnvelopeVerifier(config.ENVELOPE_PUBLIC_KEYS, "registry"),
    nonces: createMemoryNonceStore(),
    log,
  });

  async function principalOf(req: IncomingMessage): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(req.headers.authorization ?? "");
    if (!match) {
      throw new Refusal("INVALID_TOKEN", "Send Authorization: Bearer <access token> from the identity service.");
    }
    try {
      return await verifyToken(match[1] as string);
    } catch (error) {
      log.info({ reason: (error as Error).message }, "registry token refused");
      throw new Refusal("INVALID_TOKEN", "The bearer token was refused; log in again (POST /oauth/token).");
    }
  }
  const isSecurityAdmin = (p: Principal) => p.kind === "security_admin" || p.roles.includes("security_admin");

  /** The caller's department must own the subgraph (or, for a new name, will own it). */
  async function ownerCheck(principal: Principal, name: string, allowAdmin: boolean) {
    const subgraph = await store.subgraph(name);
    if (allowAdmin && isSecurityAdmin(principal)) return subgraph;
    if (!principal.departmentId || (principal.kind !== "officer" && principal.kind !== "app")) {
      throw new Refusal(
        "FORBIDDEN",
        "Only a department's officer or app may publish a subgraph; log in with your department's account.",
      );
    }
    if (subgraph && subgraph.departmentId !== principal.departmentId) {
      throw new Refusal(
        "FORBIDDEN",
        `Subgraph ${name} belongs to ${subgraph.departmentId}; ${principal.departmentId} may publish only its own subgraphs.`,
      );
    }
    return subgraph;
  }

  async function runCheck(name: string, sdl: string, url: string) {
    const sources = await store.activeSources();
    const current = await store.currentSupergraph();
    const since = new Date(now() - config.USAGE_WINDOW_HOURS * 3_600_000);
    return checkSubgraph({
      candidate: { name, url, sdl },
      others: sources.filter((source) => source.name !== name),
      currentSupergraph: current?.sdl ?? null,
      usage: (coordinates) => store.usage(coordinates, since),
      trustedOperations: operations ? () => operations.all() : undefined,
    });
  }

  /** A manifest sent with a check or publish, judged (MANIFEST_INVALID, MANIFEST_NOT_OWNED); absent: null. */
  async function manifestOf(body: unknown, name: string, departmentId: string | null) {
    const sent = (body as { manifest?: unknown } | null)?.manifest;
    if (sent === undefined || sent === null) return null;
    const judgement = judgeManifest(sent, {
      subgraph: name,
      departmentId: departmentId ?? "(no department)",
      claims: await store.claims(),
      catalogue,
    });
    if (!judgement.ok) {
      throw new Refusal(
        judgement.code as ErrorCode,
        `The manifest of ${name} was refused: ${judgement.problems.join(" ")}`,
        { problems: judgement.problems },
      );
    }
    return judgement.manifest ?? null;
  }

  /** Delivers a manifest to identity and catalog before its version becomes active (./delivery.ts). */
  async function deliverManifest(name: string, manifest: DepartmentManifest) {
    if (!delivery) {
      throw new Refusal(
        "MANIFEST_DELIVERY_FAILED",
        "This registry has no envelope key (ENVELOPE_PRIVATE_KEY), so it cannot deliver manifests; nothing was published.",
      );
    }
    try {
      await delivery.deliver(manifest, await store.activeManifest(name));
    } catch (error) {
      if (!(error instanceof DeliveryFailure)) throw error;
      log.warn({ subgraph: name, service: error.service }, "manifest delivery failed");
      throw new Refusal(
        "MANIFEST_DELIVERY_FAILED",
        `${name} was not published: ${error.message} Nothing was activated; publish again when ${error.service} answers.`,
        { service: error.service },
      );
    }
  }

  function publishInput(body: unknown, fallbackUrl: string | undefined): { sdl: string; url: string } {
    const { sdl, url } = (body ?? {}) as { sdl?: unknown; url?: unknown };
    if (typeof sdl !== "string" || sdl.trim() === "") {
      throw new Refusal("BAD_REQUEST", 'Send {"sdl": "<the subgraph schema>", "url": "<routing URL>"}.');
    }
    const routingUrl = typeof url === "string" ? url : fallbackUrl;
    if (!routingUrl || !URL.canParse(routingUrl) || !/^https?:$/.test(new URL(routingUrl).protocol)) {
      throw new Refusal("BAD_REQUEST", "A new subgraph needs its routing URL: send url (http:// or https://).");
    }
    return { sdl, url: routingUrl };
  }

  type Handler = (req: IncomingMessage, params: string[], body: Buffer) => Promise<[number, unknown]>;
  const routes: Array<[string, RegExp, Handler]> = [
    [
      "POST",
      /^\/subgraphs\/([^/]+)\/check$/,
      async (req, [name], body) => {
        const principal = await principalOf(req);
        const subgraph = await ownerCheck(principal, name as string, true);
        const parsed = parseJson(body);
        const input = publishInput(parsed, subgraph?.routingUrl);
        const manifest = await manifestOf(parsed, name as string, subgraph?.departmentId ?? principal.departmentId);
        const { report } = await runCheck(name as string, input.sdl, input.url);
        return [200, { subgraph: name, report, manifest: manifest ? "valid" : "none" }];
      },
    ],
    [
      "POST",
      /^\/subgraphs\/([^/]+)\/publish$/,
      async (req, [name], body) => {
        const principal = await principalOf(req);
        const subgraph = await ownerCheck(principal, name as string, false);
        const parsed = parseJson(body);
        const input = publishInput(parsed, subgraph?.routingUrl);
        const manifest = await manifestOf(parsed, name as string, subgraph?.departmentId ?? principal.departmentId);
        const { report, supergraphSdl } = await runCheck(name as string, input.sdl, input.url);
        if (!report.ok) {
          throw new Refusal("SCHEMA_CHECK_FAILED", `Subgraph ${name} was not published: ${report.problems.join(" ")}`, {
            report,
          });
        }
        const status = report.needsApproval ? "PENDING" : "ACTIVE";
        // An active version's manifest is delivered first: a failed delivery publishes nothing.
        if (manifest && status === "ACTIVE") await deliverManifest(name as string, manifest);
        const version = await store.addVersion({
          name: name as string,
          departmentId: subgraph?.departmentId ?? (principal.departmentId as string),
          source: { name: name as string, url: input.url, sdl: input.sdl },
          status,
          publishedBy: principal.id as string,
          report,
          supergraphSdl,
          reason: `publish ${name} by ${principal.id}`,
          manifest,
        });
        if (manifest && status === "ACTIVE") await store.recordDelivery(name as string, version, { ok: true });
        log.info({ subgraph: name, version, status, by: principal.id }, "subgraph version published");
        const delivered = manifest ? (status === "ACTIVE" ? "DELIVERED" : "PENDING") : "none";
        return [status === "ACTIVE" ? 201 : 202, { subgraph: name, version, status, report, manifest: delivered }];
      },
    ],
    [
      "GET",
      /^\/subgraphs\/([^/]+)\/versions$/,
      async (req, [name]) => {
        const principal = await principalOf(req);
        const subgraph = await ownerCheck(principal, name as string, true);
        if (!subgraph) throw new Refusal("NOT_FOUND_ENTITY", `No subgraph ${name} is registered.`);
        return [
          200,
          { subgraph: name, departmentId: subgraph.departmentId, versions: await store.history(name as string) },
        ];
      },
    ],
    [
      "POST",
      /^\/subgraphs\/([^/]+)\/versions\/(\d+)\/approve$/,
      async (req, [name, v]) => {
        const principal = await principalOf(req);
        if (!isSecurityAdmin(principal)) {
          throw new Refusal("FORBIDDEN", "Only a security administrator (security_admin) may approve a version.");
        }
        const version = await store.version(name as string, Number(v));
        if (!version) throw new Refusal("NOT_FOUND_ENTITY", `Subgraph ${name} has no version ${v}.`);
        if (version.status !== "PENDING") {
          throw new Refusal("INVALID_STATE_TRANSITION", `Version ${v} of ${name} is ${version.status}, not PENDING.`);
        }
        if (version.publishedBy === principal.id) {
          throw new Refusal("FORBIDDEN", "A version needs a second person: its publisher may not approve it.");
        }
        // The graph may have moved since it was published: checked again against the graph of now.
        const { report, supergraphSdl } = await runCheck(name as string, version.sdl, version.routingUrl);
        if (!report.ok || !supergraphSdl) {
          throw new Refusal(
            "SCHEMA_CHECK_FAILED",
            `Version ${v} of ${name} no longer passes: ${report.problems.join(" ")}`,
            {
              report,
            },
          );
        }
        const manifest = await store.manifest(name as string, version.version);
        if (manifest) {
          try {
            await deliverManifest(name as string, manifest);
          } catch (error) {
            if (error instanceof Refusal) {
              await store.recordDelivery(name as string, version.version, { ok: false, error: error.message });
            }
            throw error;
          }
        }
        await store.activate(
          name as string,
          version.version,
          principal.id,
          supergraphSdl,
          `approve ${name} v${v} by ${principal.id}`,
        );
        if (manifest) await store.recordDelivery(name as string, version.version, { ok: true });
        log.info({ subgraph: name, version: version.version, by: principal.id }, "subgraph version approved");
        return [200, { subgraph: name, version: version.version, status: "ACTIVE", approvedBy: principal.id }];
      },
    ],
    [
      "POST",
      /^\/subgraphs\/([^/]+)\/versions\/(\d+)\/reject$/,
      async (req, [name, v]) => {
        const principal = await principalOf(req);
        if (!isSecurityAdmin(principal)) {
          throw new Refusal("FORBIDDEN", "Only a security administrator (security_admin) may reject a version.");
        }
        const version = await store.version(name as string, Number(v));
        if (!version) throw new Refusal("NOT_FOUND_ENTITY", `Subgraph ${name} has no version ${v}.`);
        if (version.status !== "PENDING") {
          throw new Refusal("INVALID_STATE_TRANSITION", `Version ${v} of ${name} is ${version.status}, not PENDING.`);
        }
        await store.reject(name as string, version.version, principal.id as string);
        log.info({ subgraph: name, version: version.version, by: principal.id }, "subgraph version rejected");
        return [200, { subgraph: name, version: version.version, status: "REJECTED", rejectedBy: principal.id }];
      },
    ],
    [
      "POST",
      /^\/subgraphs\/([^/]+)\/rollback$/,
      async (req, [name], body) => {
        const principal = await principalOf(req);
        const subgraph = await ownerCheck(principal, name as string, true);
        if (!subgraph) throw new Refusal("NOT_FOUND_ENTITY", `No subgraph ${name} is registered.`);
        const target = Number((parseJson(body) as { version?: unknown })?.version);
        const version = Number.isInteger(target) ? await store.version(name as string, target) : null;
        if (!version) throw new Refusal("NOT_FOUND_ENTITY", `Subgraph ${name} has no version ${target}.`);
        // SUPERSEDED is only ever set on an ACTIVE version: it was once active, approved or needing no approval.
        if (version.status !== "SUPERSEDED") {
          throw new Refusal(
            "INVALID_STATE_TRANSITION",
            `Version ${target} of ${name} is ${version.status}; only an earlier active version can be restored.`,
          );
        }
        const others = (await store.activeSources()).filter((source) => source.name !== name);
        const composition = composeSupergraph(
          [...others, { name: name as string, url: version.routingUrl, sdl: version.sdl }].map((s) => ({
            name: s.name,
            url: s.url,
            typeDefs: subgraphDocument(s.sdl),
          })),
        );
        if (!composition.ok) {
          throw new Refusal(
            "SCHEMA_CHECK_FAILED",
            `Version ${target} of ${name} no longer composes: ${composition.errors.join(" ")}`,
          );
        }
        // The restored version's manifest goes back to identity and catalog with it.
        const manifest = await store.manifest(name as string, target);
        if (manifest) await deliverManifest(name as string, manifest);
        await store.activate(
          name as string,
          target,
          null,
          composition.supergraphSdl,
          `rollback ${name} to v${target} by ${principal.id}`,
        );
        log.info({ subgraph: name, version: target, by: principal.id }, "subgraph rolled back");
        return [200, { subgraph: name, version: target, status: "ACTIVE" }];
      },
    ],
    [
      "POST",
      /^\/apps\/([^/]+)\/operations$/,
      async (req, [appId], body) => {
        const principal = await principalOf(req);
        if (!APP_ID.test(appId as string)) {
          throw new Refusal("BAD_REQUEST", "An application id is like app-portal: lower case letters, digits and -.");
        }
        if (!isSecurityAdmin(principal) && !principal.roles.includes("officer")) {
          throw new Refusal(
            "FORBIDDEN",
            "Only an officer of the application's department or a security administrator may register its operations.",
          );
        }
        const documents = (parseJson(body) as { documents?: unknown } | null)?.documents;
        if (
          !Array.isArray(documents) ||
          documents.length === 0 ||
          documents.length > MAX_OPERATION_DOCUMENTS ||
          !documents.every((d) => typeof d === "string")
        ) {
          throw new Refusal(
            "BAD_REQUEST",
            `Send {"documents": ["query Name { … }", …]}: 1 to ${MAX_OPERATION_DOCUMENTS} operation documents.`,
          );
        }
        if (!operations) {
          throw new Refusal(
            "OPERATION_DELIVERY_FAILED",
            "This registry has no envelope key (ENVELOPE_PRIVATE_KEY), so it cannot register operations at identity.",
          );
        }
        const current = await store.currentSupergraph();
        if (!current)
          throw new Refusal("NOT_FOUND_ENTITY", "The registry holds no supergraph yet; publish a subgraph.");
        if (apiSchema?.revision !== current.revision) {
          apiSchema = { revision: current.revision, schema: apiSchemaOf(current.sdl) };
        }
        const checked = checkOperations(apiSchema.schema, documents as string[]);
        if (checked.problems.length > 0) {
          const listed = checked.problems
            .slice(0, 10)
            .map((problem) => `document ${problem.index}: ${problem.message}`)
            .join(" ");
          throw new Refusal(
            "TRUSTED_DOCUMENT_INVALID",
            `${checked.problems.length} problem${checked.problems.length === 1 ? "" : "s"} against supergraph revision ${current.revision}, so nothing was registered: ${listed}${checked.problems.length > 10 ? " …" : ""}`,
            { problems: checked.problems.slice(0, 100), revision: current.revision },
          );
        }
        try {
          const registered = await operations.register(appId as string, checked.operations, principal);
          log.info({ app: appId, documents: registered.length, by: principal.id }, "trusted operations registered");
          return [201, { appId, revision: current.revision, registered }];
        } catch (error) {
          if (error instanceof OperationRefusal && PASSED_ON.has(error.code)) {
            throw new Refusal(error.code as ErrorCode, error.message);
          }
          const reason = error instanceof OperationRefusal || error instanceof DeliveryFailure ? error.message : null;
          if (reason === null) throw error;
          log.warn({ app: appId, reason }, "trusted operations not registered at identity");
          throw new Refusal(
            "OPERATION_DELIVERY_FAILED",
            `The operations passed the check but identity did not register them: ${reason}`,
          );
        }
      },
    ],
    [
      "GET",
      /^\/supergraph$/,
      async (req) => {
        await gatewayOnly(req, null, SYSTEM_SCOPES.registryRead);
        const current = await store.currentSupergraph();
        if (!current)
          throw new Refusal("NOT_FOUND_ENTITY", "The registry holds no supergraph yet; publish a subgraph.");
        // With the owner department of each subgraph, for the gateway's metering.
        return [200, { ...current, owners: await store.owners() }];
      },
    ],
    [
      "POST",
      /^\/usage$/,
      async (req, _params, body) => {
        await gatewayOnly(req, body, SYSTEM_SCOPES.fieldUsageWrite);
        const entries = (parseJson(body) as { entries?: unknown })?.entries;
        if (!Array.isArray(entries) || entries.length > MAX_USAGE_ENTRIES || !entries.every(isUsageEntry)) {
          throw new Refusal(
            "BAD_REQUEST",
            `Send {"entries": [{coordinate, client, hour, count}]}, at most ${MAX_USAGE_ENTRIES}.`,
          );
        }
        await store.recordUsage(entries);
        return [204, null];
      },
    ],
  ];

  async function gatewayOnly(
    req: IncomingMessage,
    body: Buffer | null,
    scope: (typeof SYSTEM_SCOPES)[keyof typeof SYSTEM_SCOPES],
  ) {
    const decision = await envelopes.check(req, body && body.length > 0 ? body : null, { scope, what: "the registry" });
    if (!decision.ok) throw new Refusal(decision.code, decision.message);
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    try {
      if (path === "/healthz") return sendJson(res, 200, { status: "ok", service: "registry" });
      const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
      if (!route) throw new Refusal("NOT_FOUND", `No registry route ${req.method} ${path} (docs/registry.md).`);
      const params = (route[1].exec(path) as RegExpExecArray).slice(1).map(decodeURIComponent);
      if (params[0] !== undefined && route[1].source.startsWith("^\\/subgraphs") && !NAME.test(params[0])) {
        throw new Refusal(
          "BAD_REQUEST",
          "A subgraph name is lower case letters, digits and _, starting with a letter.",
        );
      }
      const body = req.method === "POST" ? await readBody(req, MAX_BODY) : Buffer.alloc(0);
      const [status, value] = await route[2](req, params, body);
      if (status === 204) {
        res.statusCode = 204;
        res.end();
      } else sendJson(res, status, value);
    } catch (error) {
      if (error instanceof Refusal) {
        res.statusCode = errorCodes[error.code].status;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(errorBody(error.code, error.message, error.extensions));
        return;
      }
      if (error instanceof RequestBodyError) {
        res.statusCode = error.status;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(errorBody(error.code, error.message));
        return;
      }
      log.error({ err: error, path }, "registry request failed");
      res.statusCode = 500;
      res.end(errorBody("INTERNAL_SERVER_ERROR", "The registry failed; the details are in its log."));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;
  log.info({ url }, "registry is listening");
  return {
    url,
    port,
    store,
    log,
    stop: async () => {
      await closeGracefully(server, 5_000);
      await db.close();
    },
  };
}

/** The one body parser of the HTTP edge: coded 400s for bad UTF-8, invalid or too deeply nested JSON. */
function parseJson(body: Buffer): unknown {
  return parseJsonBody(body);
}

function isUsageEntry(value: unknown): value is UsageEntry {
  const e = value as UsageEntry;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.coordinate === "string" &&
    /^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$/.test(e.coordinate) &&
    typeof e.client === "string" &&
    e.client.length > 0 &&
    e.client.length <= 200 &&
    typeof e.hour === "string" &&
    !Number.isNaN(Date.parse(e.hour)) &&
    Number.isInteger(e.count) &&
    e.count > 0
  );
}
