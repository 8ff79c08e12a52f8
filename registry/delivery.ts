/**
 * Delivery of a department manifest (docs/registry.md, "Onboarding as data"): the registry sends it to identity
 * (roles, scopes, officer scopes, purposes) and to catalog (data-resource entries) over their signed routes, as a
 * system principal holding `registry:manifest:deliver`. Each service replaces what the department's manifest declared
 * before with what this one declares, so a delivery can be repeated safely.
 *
 * Not half-applied: identity is sent the manifest first, then catalog. When one of them refuses or does not answer,
 * the services that already took the new manifest are sent the previous one again (or an empty manifest of the
 * department, on a first publish), and the publish fails with `MANIFEST_DELIVERY_FAILED`: the version is not stored
 * active. Publishing again retries the whole delivery.
 */
import { randomUUID } from "node:crypto";
import type { DepartmentManifest } from "../lib/contracts/departmentManifest.ts";
import { systemPrincipal } from "../lib/principal.ts";
import {
  createEnvelopeSigner,
  ENVELOPE_HEADER,
  REQUEST_ID_HEADER,
  SYSTEM_SCOPES,
  type SystemScope,
} from "../lib/wire.ts";

export interface ManifestDelivery {
  /** Delivers `manifest` everywhere, or restores `previous` where it was delivered and throws a DeliveryFailure. */
  deliver(manifest: DepartmentManifest, previous: DepartmentManifest | null): Promise<void>;
}

export class DeliveryFailure extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DeliveryTarget {
  /** The receiving subgraph's name, also the envelope's audience: `identity`, `catalog`. */
  service: string;
  /** Full URL of its manifest route. */
  url: string;
}

export const IDENTITY_MANIFEST_PATH = "/access/department-manifests";
export const CATALOG_MANIFEST_PATH = "/catalog/department-manifests";

/** What a department without a manifest holds: nothing (the withdrawal sent when a first delivery fails). */
export function emptyManifest(of: DepartmentManifest): DepartmentManifest {
  return {
    ...of,
    scopes: [],
    roles: [],
    officerScopes: [],
    policies: [],
    purposes: [],
    dataResources: [],
  };
}

/**
 * A signed call from the registry to one of the services that trust its envelope key: the envelope names the
 * service as its audience, a system principal holding `scopes`, and is bound to the method, path and exact body.
 * A service that does not answer within the timeout is a DeliveryFailure naming it.
 */
export function createRegistryCaller(options: { privateKey: string; scopes: SystemScope[]; timeoutMs?: number }) {
  const sign = createEnvelopeSigner(options.privateKey);
  const principal = systemPrincipal("registry", options.scopes);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (target: DeliveryTarget, method: "GET" | "POST", body?: string): Promise<Response> => {
    const url = new URL(target.url);
    const requestId = `registry-${randomUUID()}`;
    const envelope = sign(
      { aud: target.service, requestId, purpose: null, principal, clientAddress: null },
      { method, path: `${url.pathname}${url.search}`, ...(body === undefined ? {} : { body }) },
    );
    try {
      return await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          [ENVELOPE_HEADER]: envelope,
          [REQUEST_ID_HEADER]: requestId,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DeliveryFailure(target.service, `${target.service} did not answer: ${(error as Error).message}`);
    }
  };
}

/** The coded error a service answered with, as "(status CODE): message". */
export async function refusalOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const answer = (await response.json().catch(() => null)) as {
    errors?: Array<{ message?: string; extensions?: { code?: string } }>;
  } | null;
  const error = answer?.errors?.[0];
  return {
    status: response.status,
    code: error?.extensions?.code ?? "",
    message: error?.message ?? "no coded answer",
  };
}

export function createHttpManifestDelivery(options: {
  targets: DeliveryTarget[];
  /** The registry's Ed25519 envelope key (base64 pkcs8); its public key is in the receivers' ENVELOPE_PUBLIC_KEYS. */
  privateKey: string;
  timeoutMs?: number;
}): ManifestDelivery {
  const call = createRegistryCaller({ ...options, scopes: [SYSTEM_SCOPES.manifestDeliver] });

  async function send(target: DeliveryTarget, manifest: DepartmentManifest): Promise<void> {
    const response = await call(target, "POST", JSON.stringify(manifest));
    if (!response.ok) {
      const refusal = await refusalOf(response);
      throw new DeliveryFailure(
        target.service,
        `${target.service} refused the manifest (${refusal.status} ${refusal.code}): ${refusal.message}`,
      );
    }
    await response.body?.cancel();
  }

  return {
    async deliver(manifest, previous) {
      const delivered: DeliveryTarget[] = [];
      for (const target of options.targets) {
        try {
          await send(target, manifest);
          delivered.push(target);
        } catch (error) {
          const restore = previous ?? emptyManifest(manifest);
          const unrestored: string[] = [];
          for (const done of delivered) {
            await send(done, restore).catch(() => unrestored.push(done.service));
          }
          const failure = error as DeliveryFailure;
          throw new DeliveryFailure(
            failure.service,
            unrestored.length > 0
              ? `${failure.message} Restoring the previous manifest at ${unrestored.join(", ")} failed too; publish again to converge.`
              : failure.message,
          );
        }
      }
    },
  };
}
