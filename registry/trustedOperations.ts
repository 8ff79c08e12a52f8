/**
 * Where trusted operations live (docs/registry.md, "Trusted operations"): identity keeps them — the one copy, beside
 * the apps they belong to, that every gateway replica already polls (GET /access/trusted-documents). The registry is
 * the only writer: it checks each document against the current supergraph (./operations.ts) and then registers it at
 * identity over a signed route (scope `registry:operations:write`, the envelope key it delivers manifests with), for
 * the person who asked — identity decides whether that person may manage the app. A publish check reads every
 * registered operation back from identity, so nothing is kept twice.
 */
import {
  REGISTERED_OPERATIONS_PATH,
  type RegisteredOperationsPayload,
  registeredOperationsSchema,
  TRUSTED_DOCUMENTS_REGISTER_PATH,
  type TrustedDocumentRegistration,
} from "../lib/contracts/trustedDocuments.ts";
import type { Principal } from "../lib/principal.ts";
import { SYSTEM_SCOPES } from "../lib/wire.ts";
import { createRegistryCaller, DeliveryFailure, refusalOf } from "./delivery.ts";
import type { CheckedOperation } from "./operations.ts";

export type RegisteredOperation = RegisteredOperationsPayload["operations"][number];

/** Identity refused a registration (403 FORBIDDEN, 404 NOT_FOUND_ENTITY, 409 …): passed on to the caller as it came. */
export class OperationRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TrustedOperationStore {
  /** Registers checked operations for an app on behalf of `actor`; throws OperationRefusal or DeliveryFailure. */
  register(
    appId: string,
    operations: CheckedOperation[],
    actor: Principal,
  ): Promise<Array<{ hash: string; operationName: string | null }>>;
  /** Every registered operation of every app; throws DeliveryFailure when identity does not answer. */
  all(): Promise<RegisteredOperation[]>;
}

export function createHttpTrustedOperationStore(options: {
  /** The identity service's base URL (IDENTITY_URL). */
  identityUrl: string;
  /** The registry's Ed25519 envelope key (ENVELOPE_PRIVATE_KEY). */
  privateKey: string;
  timeoutMs?: number;
}): TrustedOperationStore {
  const call = createRegistryCaller({ ...options, scopes: [SYSTEM_SCOPES.operationsWrite] });
  const base = options.identityUrl.replace(/\/$/, "");
  return {
    async register(appId, operations, actor) {
      const body: TrustedDocumentRegistration = {
        appId,
        actor: { id: actor.id ?? "unknown", kind: actor.kind, departmentId: actor.departmentId, roles: actor.roles },
        documents: operations.map(({ hash, document, operationName }) => ({ hash, document, operationName })),
      };
      const response = await call(
        { service: "identity", url: `${base}${TRUSTED_DOCUMENTS_REGISTER_PATH}` },
        "POST",
        JSON.stringify(body),
      );
      if (response.status >= 400 && response.status < 500) {
        const refusal = await refusalOf(response);
        throw new OperationRefusal(refusal.status, refusal.code, refusal.message);
      }
      if (!response.ok) {
        const refusal = await refusalOf(response);
        throw new DeliveryFailure(
          "identity",
          `identity failed (${refusal.status} ${refusal.code}): ${refusal.message}`,
        );
      }
      return ((await response.json()) as { registered: Array<{ hash: string; operationName: string | null }> })
        .registered;
    },
    async all() {
      const response = await call({ service: "identity", url: `${base}${REGISTERED_OPERATIONS_PATH}` }, "GET");
      if (!response.ok) {
        const refusal = await refusalOf(response);
        throw new DeliveryFailure(
          "identity",
          `identity did not list the registered operations (${refusal.status} ${refusal.code}): ${refusal.message}`,
        );
      }
      const parsed = registeredOperationsSchema.safeParse(await response.json().catch(() => null));
      if (!parsed.success)
        throw new DeliveryFailure("identity", "identity's list of registered operations is malformed.");
      return parsed.data.operations;
    },
  };
}
