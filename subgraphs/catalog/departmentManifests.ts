/**
 * POST /catalog/department-manifests — the data-catalogue entries of a department's manifest, delivered by the schema
 * registry (docs/registry.md, "Onboarding as data"; the registry's envelope, scope `registry:manifest:deliver`).
 *
 * Each entry is created when the catalogue has no entry with its id (owned by the manifest's department, numbered in
 * the department's code sequence), or updated when the department owns it; an entry another department owns refuses
 * the whole manifest (409 MANIFEST_NOT_OWNED). Every creation or change writes an ENTRY_CHANGED update with the fields
 * before and after, actor `registry:<department>`. All of it is one transaction: a refused manifest changes nothing.
 * Entries a later manifest no longer lists stay in the catalogue: they are records, withdrawn by their owner.
 */

import { type DepartmentManifest, parseDepartmentManifest } from "../../lib/contracts/departmentManifest.ts";
import type { Route } from "../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { RouteDependencies } from "../kit/module.ts";
import { RouteRefusal, signedRoute } from "../kit/signedRoute.ts";
import { OPEN_STATUSES_BY_GRADE } from "./dataResourceMaintenance.ts";
import type { Prisma, PrismaClient } from "./generated/prisma/client.ts";

export const CATALOG_MANIFEST_PATH = "/catalog/department-manifests";

const FIELDS = [
  "name",
  "description",
  "authoritativeSource",
  "classification",
  "openStatus",
  "openConditions",
  "updateFrequency",
  "format",
  "fieldCount",
  "keywords",
] as const;

export function departmentManifestRoutes(
  { prisma, envelopes, log }: RouteDependencies<PrismaClient>,
  options: { now: () => Date },
): Record<string, Route> {
  return {
    [CATALOG_MANIFEST_PATH]: signedRoute(
      envelopes,
      { method: "POST", scope: SYSTEM_SCOPES.manifestDeliver, what: "department manifest delivery" },
      async ({ res, body }) => {
        const parsed = parseDepartmentManifest(body);
        if (!parsed.ok) {
          throw new RouteRefusal("MANIFEST_INVALID", `The manifest was refused: ${parsed.problems.join(" ")}`);
        }
        const changed = await applyCatalogueEntries(prisma, parsed.manifest, options.now());
        log.info({ department: parsed.manifest.department.id, changed }, "department manifest entries applied");
        res.statusCode = 204;
        res.end();
      },
    ),
  };
}

/** Creates or updates the manifest's entries in one transaction; returns how many entries it created or changed. */
export async function applyCatalogueEntries(
  prisma: PrismaClient,
  manifest: DepartmentManifest,
  now: Date,
): Promise<number> {
  const departmentId = manifest.department.id;
  for (const entry of manifest.dataResources) {
    if (!OPEN_STATUSES_BY_GRADE[entry.classification].includes(entry.openStatus)) {
      throw new RouteRefusal(
        "MANIFEST_INVALID",
        `${entry.id}: a ${entry.classification} resource cannot be ${entry.openStatus}.`,
      );
    }
    if (entry.openStatus === "CONDITIONAL" && !entry.openConditions) {
      throw new RouteRefusal("MANIFEST_INVALID", `${entry.id}: a CONDITIONAL entry needs its openConditions.`);
    }
  }
  return prisma.$transaction(
    async (tx) => {
      const [department] = await tx.$queryRaw<Array<{ code: string }>>`
        SELECT "code" FROM "Department" WHERE "id" = ${departmentId} FOR UPDATE`;
      if (!department) {
        throw new RouteRefusal("MANIFEST_INVALID", `The catalogue has no department ${departmentId}.`);
      }
      const actor = { actorId: `registry:${departmentId}`, actorDepartmentId: departmentId };
      let changed = 0;
      for (const entry of manifest.dataResources) {
        const next = {
          name: entry.name,
          description: entry.description,
          authoritativeSource: entry.authoritativeSource,
          classification: entry.classification,
          openStatus: entry.openStatus,
          openConditions: entry.openStatus === "CONDITIONAL" ? (entry.openConditions ?? null) : null,
          updateFrequency: entry.updateFrequency,
          format: entry.format,
          fieldCount: entry.fieldCount,
          keywords: entry.keywords,
        };
        const current = await tx.dataResource.findUnique({ where: { id: entry.id } });
        if (current && current.ownerDepartmentId !== departmentId) {
          throw new RouteRefusal(
            "MANIFEST_NOT_OWNED",
            `Catalogue entry ${entry.id} is owned by ${current.ownerDepartmentId}, not ${departmentId}.`,
          );
        }
        const changes = FIELDS.filter(
          (field) => !current || JSON.stringify(current[field]) !== JSON.stringify(next[field]),
        ).map((field) => ({ field, from: current ? asText(current[field]) : null, to: asText(next[field]) }));
        if (changes.length === 0) continue;
        if (current) {
          await tx.dataResource.update({ where: { id: entry.id }, data: next });
        } else {
          const prefix = `JA-${department.code}-`;
          const last = await tx.dataResource.findFirst({
            where: { code: { startsWith: prefix } },
            orderBy: { code: "desc" },
            select: { code: true },
          });
          const number = (last ? Number(last.code.slice(prefix.length)) : 0) + 1;
          await tx.dataResource.create({
            data: {
              id: entry.id,
              code: `${prefix}${String(number).padStart(4, "0")}`,
              ...next,
              ownerDepartmentId: departmentId,
              streetId: null,
              publishedAt: now,
            },
          });
        }
        await tx.dataResourceUpdate.create({
          data: {
            id: `upd-${crypto.randomUUID()}`,
            resourceId: entry.id,
            kind: "ENTRY_CHANGED",
            at: now,
            ...actor,
            note: `部门接入清单 (${manifest.subgraph})`,
            changes: changes as unknown as Prisma.InputJsonValue,
          },
        });
        changed += 1;
      }
      const row = {
        subgraph: manifest.subgraph,
        resourceIds: manifest.dataResources.map((entry) => entry.id),
        deliveredAt: now,
      };
      await tx.departmentManifest.upsert({ where: { departmentId }, create: { departmentId, ...row }, update: row });
      return changed;
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? value.join(" ") : String(value);
}
