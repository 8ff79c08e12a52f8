/**
 * The trusted-documents routes (docs/registry.md, "Trusted operations"):
 *
 * - GET /access/trusted-documents — every integrator app in trusted-documents mode with the operations it may run
 *   (by SHA-256), for the gateway only, polled like the access policies: a signed envelope bound to this GET, used
 *   once, whose system principal holds `identity:policies:read`. `?since=<revision>` answers 304 when no app changed.
 * - POST /access/trusted-documents/register — the schema registry's writes (scope `registry:operations:write`): the
 *   operations it checked against the current supergraph for one app, with the person who asked; identity decides
 *   whether that person may manage the app and stores them.
 * - GET /access/trusted-documents/registered — every registered operation, for the registry's publish check (same
 *   scope).
 */
import { GraphQLError } from "graphql";
import {
  REGISTERED_OPERATIONS_PATH,
  TRUSTED_DOCUMENTS_PATH,
  TRUSTED_DOCUMENTS_REGISTER_PATH,
  trustedDocumentRegistrationSchema,
} from "../../../lib/contracts/trustedDocuments.ts";
import type { ErrorCode } from "../../../lib/errors.ts";
import { type Route, sendJson } from "../../../lib/http/graphqlHttp.ts";
import type { Principal } from "../../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import { RouteRefusal, signedRoute } from "../../kit/signedRoute.ts";
import { polledSetRoute } from "../access/routes.ts";
import type { IdentityPrisma } from "../loaders.ts";
import type { ResolvedIdentityOptions } from "../options.ts";
import { registeredOperations, revisionOfApps, TrustedDocuments, trustedDocumentSet } from "./trustedDocuments.ts";

export function trustedDocumentRoutes(
  { prisma, envelopes, log }: RouteDependencies<IdentityPrisma>,
  options: ResolvedIdentityOptions,
): Record<string, Route> {
  return {
    [TRUSTED_DOCUMENTS_PATH]: polledSetRoute(envelopes)("trusted documents", SYSTEM_SCOPES.policiesRead, {
      revision: () => revisionOfApps(prisma),
      activeSet: () => trustedDocumentSet(prisma),
    }),
    [TRUSTED_DOCUMENTS_REGISTER_PATH]: signedRoute(
      envelopes,
      { method: "POST", scope: SYSTEM_SCOPES.operationsWrite, what: "trusted-document registration" },
      async ({ res, body }) => {
        const parsed = trustedDocumentRegistrationSchema.safeParse(body);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
          throw new RouteRefusal("BAD_REQUEST", `The registration was refused: ${problems.join(" ")}`);
        }
        const { appId, actor, documents } = parsed.data;
        const person: Principal = {
          ...actor,
          scopes: [],
          streetIds: [],
          residentId: null,
          sessionId: null,
          issuer: null,
        };
        try {
          const registered = await new TrustedDocuments(prisma, options).register(appId, documents, person);
          log.info({ app: appId, by: actor.id, documents: documents.length }, "trusted documents registered");
          sendJson(res, 201, {
            appId,
            registered: registered.map(({ hash, operationName }) => ({ hash, operationName })),
          });
        } catch (error) {
          const code = error instanceof GraphQLError ? (error.extensions.code as ErrorCode | undefined) : undefined;
          if (code) throw new RouteRefusal(code, error instanceof Error ? error.message : String(error));
          throw error;
        }
      },
    ),
    [REGISTERED_OPERATIONS_PATH]: signedRoute(
      envelopes,
      { method: "GET", scope: SYSTEM_SCOPES.operationsWrite, what: "the registered operations" },
      async ({ res }) => {
        res.setHeader("cache-control", "no-store");
        sendJson(res, 200, await registeredOperations(prisma));
      },
    ),
  };
}
