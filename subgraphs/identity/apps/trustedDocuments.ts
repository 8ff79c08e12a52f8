/**
 * Trusted documents (可信操作): the operations an integrator app in trusted-documents mode may run, each identified by
 * the SHA-256 (hex) of its exact text — the hash Apollo's automatic persisted queries use, so a client may send
 * `extensions.persistedQuery.sha256Hash` alone. A document is registered only after it parses and validates against
 * the graph's current API schema (the supergraph the gateway serves); otherwise TRUSTED_DOCUMENT_INVALID lists every
 * problem. The gateway polls the set (GET /access/trusted-documents) like the access policies.
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Supergraph } from "@apollo/federation-internals";
import type { GraphQLSchema } from "graphql";
import { supergraphForPlanner } from "../../../lib/access/requirements.ts";
import type { TrustedDocumentSetPayload } from "../../../lib/contracts/trustedDocuments.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Principal } from "../../../lib/principal.ts";
import type { IdentityPrisma } from "../loaders.ts";
import type { ResolvedIdentityOptions } from "../options.ts";
import { AppLifecycle, mayManageApp, recordAppEvent } from "./appLifecycle.ts";

// The federation library builds its schema with the CommonJS graphql; validate with the same instance.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/** Most documents registered in one call, and the longest document (the gateway's MAX_TOKENS bounds it anyway). */
const MAX_DOCUMENTS = 100;
const MAX_DOCUMENT_LENGTH = 64 * 1024;

export function documentHash(document: string): string {
  return createHash("sha256").update(document, "utf8").digest("hex");
}

/** The gateway's API schema from the supergraph file, rebuilt when the file changes. */
export function apiSchemaReader(path: string): () => GraphQLSchema {
  let cached: { sdl: string; schema: GraphQLSchema } | undefined;
  return () => {
    const sdl = readFileSync(path, "utf8");
    if (cached?.sdl !== sdl) {
      cached = { sdl, schema: Supergraph.build(supergraphForPlanner(sdl)).apiSchema().toGraphQLJSSchema() };
    }
    return cached.schema;
  };
}

/** Every problem of a document against the schema, as sentences; empty when it may be registered. */
export function documentProblems(schema: GraphQLSchema, document: string): string[] {
  if (document.length > MAX_DOCUMENT_LENGTH) return [`The document is longer than ${MAX_DOCUMENT_LENGTH} characters.`];
  let parsed: import("graphql").DocumentNode;
  try {
    parsed = graphqlCjs.parse(document, { maxTokens: 3000 });
  } catch (error) {
    return [`Syntax: ${(error as Error).message}`];
  }
  const problems = graphqlCjs.validate(schema, parsed).map((error) => error.message);
  const operations = parsed.definitions.filter((d) => d.kind === graphqlCjs.Kind.OPERATION_DEFINITION);
  if (operations.some((operation) => operation.operation === "subscription")) {
    problems.push("Subscriptions are not served by the gateway.");
  }
  return problems;
}

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
    private readonly apiSchema: () => GraphQLSchema,
  ) {
    this.lifecycle = new AppLifecycle(prisma, options);
  }

  /**
   * Registers operations for an app (a security admin, or an officer of the app's department): all or none. Each
   * must parse and validate against the current schema; a document registered before is kept as it is.
   */
  async register(appId: string, documents: string[], actor: Principal): Promise<RegisteredDocument[]> {
    const app = await this.lifecycle.find(appId);
    if (!mayManageApp(actor, app)) {
      throw codedError(
        "FORBIDDEN",
        `Only a security_admin or an officer of ${app.ownerDepartmentId} may register operations for this application.`,
      );
    }
    if (app.status === "REJECTED") {
      throw codedError("INVALID_STATE_TRANSITION", `Application "${appId}" is REJECTED; it runs no operations.`, {
        argument: "appId",
      });
    }
    if (documents.length === 0 || documents.length > MAX_DOCUMENTS) {
      throw codedError("BAD_USER_INPUT", `Register 1 to ${MAX_DOCUMENTS} documents at a time.`, {
        argument: "documents",
      });
    }
    const schema = this.apiSchema();
    const problems = documents.flatMap((document, index) =>
      documentProblems(schema, document).map((message) => ({ index, hash: documentHash(document), message })),
    );
    if (problems.length > 0) {
      const listed = problems
        .slice(0, 10)
        .map((problem) => `document ${problem.index}: ${problem.message}`)
        .join(" ");
      throw codedError(
        "TRUSTED_DOCUMENT_INVALID",
        `${problems.length} problem${problems.length === 1 ? "" : "s"} in the documents, so nothing was registered; fix them against the current schema and register again. ${listed}${problems.length > 10 ? " …" : ""}`,
        { argument: "documents", problems: problems.slice(0, 100) },
      );
    }
    const now = this.options.now();
    const rows = documents.map((document) => {
      const parsed = graphqlCjs.parse(document);
      const operation = parsed.definitions.find((d) => d.kind === graphqlCjs.Kind.OPERATION_DEFINITION);
      return {
        appId,
        hash: documentHash(document),
        document,
        operationName: operation && "name" in operation ? (operation.name?.value ?? null) : null,
        registeredById: actor.id ?? "unknown",
        registeredAt: now,
      };
    });
    await this.prisma.$transaction(async (tx) => {
      await tx.trustedDocument.createMany({ data: rows, skipDuplicates: true });
      await recordAppEvent(tx, appId, "DOCUMENTS_REGISTERED", actor, now, null, {
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
