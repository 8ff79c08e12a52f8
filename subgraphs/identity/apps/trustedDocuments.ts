/**
 * Trusted documents (可信操作): the operations an integrator app in trusted-documents mode may run, each identified by
 * the SHA-256 (hex) of its exact text — the hash Apollo's automatic persisted queries use, so a client may send
 * `extensions.persistedQuery.sha256Hash` alone. Identity is where they are kept, the one copy the gateway polls
 * (GET /access/trusted-documents); they are written only by the schema registry (POST
 * /access/trusted-documents/register), which checked each against the graph's current supergraph first
 * (registry/operations.ts, docs/registry.md). Identity decides who may register for an app: its owner department's
 * officers and security admins.
 */
import type {
  RegisteredOperationsPayload,
  TrustedDocumentRegistration,
  TrustedDocumentSetPayload,
} from "../../../lib/contracts/trustedDocuments.ts";
import { documentHash } from "../../../lib/contracts/trustedDocuments.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Principal } from "../../../lib/principal.ts";
import type { IdentityPrisma } from "../loaders.ts";
import type { ResolvedIdentityOptions } from "../options.ts";
import { AppLifecycle, mayManageApp, recordAppEvent } from "./appLifecycle.ts";

export interface RegisteredDocument {
  hash: string;
  operationName: string | null;
  document: string;
  registeredAt: Date;
}

export class TrustedDocuments {
  private readonly lifecycle: AppLifecycle;

  constructor(
    private readonly prisma: IdentityPrisma,
    private readonly options: ResolvedIdentityOptions,
  ) {
    this.lifecycle = new AppLifecycle(prisma, options);
  }

  /**
   * Stores operations the registry checked for an app, for the person who asked there (`actor`): all or none. A
   * document registered before is kept as it is. Refused: an unknown app (404), a person who may not manage it (403),
   * a REJECTED app (409), a document whose text does not hash to its key (400).
   */
  async register(
    appId: string,
    documents: TrustedDocumentRegistration["documents"],
    actor: Principal,
  ): Promise<RegisteredDocument[]> {
    const registeredBy = actor.id ?? "unknown";
    const app = await this.lifecycle.find(appId);
    if (!mayManageApp(actor, app)) {
      throw codedError(
        "FORBIDDEN",
        `Only a security_admin or an officer of ${app.ownerDepartmentId} may register operations for application ${appId}.`,
      );
    }
    if (app.status === "REJECTED") {
      throw codedError("INVALID_STATE_TRANSITION", `Application "${appId}" is REJECTED; it runs no operations.`, {
        argument: "appId",
      });
    }
    const mismatched = documents.filter((d) => documentHash(d.document) !== d.hash);
    if (mismatched.length > 0) {
      throw codedError("BAD_USER_INPUT", `${mismatched.length} document(s) do not hash to the key sent with them.`, {
        argument: "documents",
      });
    }
    const now = this.options.now();
    const rows = documents.map((d) => ({
      appId,
      hash: d.hash,
      document: d.document,
      operationName: d.operationName,
      registeredById: registeredBy,
      registeredAt: now,
    }));
    await this.prisma.$transaction(async (tx) => {
      await tx.trustedDocument.createMany({ data: rows, skipDuplicates: true });
      // The event's id is the set's revision: every gateway takes the new documents within one poll.
      await recordAppEvent(tx, appId, "DOCUMENTS_REGISTERED", registeredBy, now, null, {
        hashes: rows.map((row) => row.hash),
      });
    });
    return this.list(
      appId,
      rows.map((row) => row.hash),
    );
  }

  async list(appId: string, hashes?: string[]): Promise<RegisteredDocument[]> {
    return this.prisma.trustedDocument.findMany({
      where: { appId, ...(hashes ? { hash: { in: hashes } } : {}) },
      orderBy: [{ registeredAt: "asc" }, { hash: "asc" }],
      select: { hash: true, operationName: true, document: true, registeredAt: true },
    });
  }
}

/** The newest lifecycle change: the gateway's `?since=` revision of the trusted-documents set. */
export async function revisionOfApps(prisma: IdentityPrisma): Promise<number> {
  const newest = await prisma.integratorAppEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return newest?.id ?? 0;
}

/** What the gateway enforces: every app in trusted-documents mode, with its documents by hash. */
export async function trustedDocumentSet(prisma: IdentityPrisma): Promise<TrustedDocumentSetPayload> {
  const revision = await revisionOfApps(prisma);
  const apps = await prisma.integratorApp.findMany({
    where: { trustedDocumentsOnly: true },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const documents = await prisma.trustedDocument.findMany({
    where: { appId: { in: apps.map((app) => app.id) } },
    select: { appId: true, hash: true, document: true },
    orderBy: [{ appId: "asc" }, { hash: "asc" }],
  });
  return {
    revision,
    apps: apps.map((app) => ({
      appId: app.id,
      documents: documents.filter((d) => d.appId === app.id).map(({ hash, document }) => ({ hash, document })),
    })),
  };
}

/** Every registered operation of every app (the registry's publish check). */
export async function registeredOperations(prisma: IdentityPrisma): Promise<RegisteredOperationsPayload> {
  const operations = await prisma.trustedDocument.findMany({
    select: { appId: true, hash: true, operationName: true, document: true },
    orderBy: [{ appId: "asc" }, { hash: "asc" }],
  });
  return { operations };
}
