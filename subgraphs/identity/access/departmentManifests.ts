/**
 * POST /access/department-manifests — a department's manifest, delivered by the schema registry (docs/registry.md,
 * "Onboarding as data"; the registry's envelope, scope `registry:manifest:deliver`). Identity applies what it owns:
 *
 * - **scopes** the department defines become scopes this service issues (`knownScopes`);
 * - **roles** are created or updated (`Role`); a role the previous manifest declared and this one does not keeps its
 *   holders but grants nothing any more;
 * - **officerScopes** become the scopes of every membership of the department (`OfficerMembership.scopes`), and of
 *   memberships created later;
 * - **purposes** and **policies** are created and enabled when they do not exist (authored `registry:<department>`),
 *   left as security admins made them when they do, and disabled when the manifest withdraws them.
 *
 * The same manifest delivered twice changes nothing the second time. The manifest is kept per department.
 */

import { type DepartmentManifest, parseDepartmentManifest } from "../../../lib/contracts/departmentManifest.ts";
import type { Route } from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import { RouteRefusal, signedRoute } from "../../kit/signedRoute.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { isKnownScope, ROLE_NAMES } from "../roles.ts";
import { PolicyStore } from "./policyStore.ts";
import { PurposeStore } from "./purposeStore.ts";

export const DEPARTMENT_MANIFEST_PATH = "/access/department-manifests";

export function departmentManifestRoutes(
  { prisma, envelopes, log }: RouteDependencies<IdentityPrisma>,
  options: { now: () => Date },
): Record<string, Route> {
  return {
    [DEPARTMENT_MANIFEST_PATH]: signedRoute(
      envelopes,
      { method: "POST", scope: SYSTEM_SCOPES.manifestDeliver, what: "department manifest delivery" },
      async ({ res, body }) => {
        const parsed = parseDepartmentManifest(body);
        if (!parsed.ok) {
          throw new RouteRefusal("MANIFEST_INVALID", `The manifest was refused: ${parsed.problems.join(" ")}`);
        }
        await applyDepartmentManifest(prisma, parsed.manifest, options.now());
        log.info(
          { department: parsed.manifest.department.id, subgraph: parsed.manifest.subgraph },
          "department manifest applied",
        );
        res.statusCode = 204;
        res.end();
      },
    ),
  };
}

export async function applyDepartmentManifest(
  prisma: IdentityPrisma,
  manifest: DepartmentManifest,
  now: Date,
): Promise<void> {
  const department = manifest.department.id;
  const previousRow = await prisma.departmentManifest.findUnique({ where: { departmentId: department } });
  const previous = previousRow ? (previousRow.manifest as unknown as DepartmentManifest) : null;
  if (previousRow && previousRow.subgraph !== manifest.subgraph) {
    throw new RouteRefusal(
      "MANIFEST_NOT_OWNED",
      `${department}'s manifest belongs to subgraph ${previousRow.subgraph}, not ${manifest.subgraph}.`,
    );
  }
  const reserved = manifest.scopes.filter((scope) => isKnownScope(scope.name)).map((scope) => scope.name);
  if (reserved.length > 0) {
    throw new RouteRefusal("MANIFEST_NOT_OWNED", `The platform defines ${reserved.join(", ")}; a manifest may not.`);
  }
  const author = `registry:${department}`;
  await refuseOthersNames(prisma, manifest, author);
  const reason = `Department manifest of ${department} (subgraph ${manifest.subgraph}), delivered by the registry.`;

  // Purposes before policies: a policy may name only registered purposes.
  const purposes = new PurposeStore(prisma);
  for (const purpose of manifest.purposes) {
    const existing = await prisma.purpose.findUnique({ where: { name: purpose.name } });
    if (!existing) {
      const draft = await purposes.draft(author, { ...purpose, reason }, now);
      await purposes.enable(author, purpose.name, draft.version, reason, now);
    } else if (existing.activeVersion === null) {
      const latest = await prisma.purposeVersion.aggregate({
        where: { purposeName: purpose.name },
        _max: { version: true },
      });
      if (latest._max.version) await purposes.enable(author, purpose.name, latest._max.version, reason, now);
    }
  }
  const policies = new PolicyStore(prisma);
  for (const policy of manifest.policies) {
    const existing = await prisma.accessPolicy.findUnique({ where: { name: policy.name } });
    if (!existing) {
      const draft = await policies.draft(author, { ...policy, reason }, now);
      await policies.enable(author, policy.name, draft.version, reason, now);
    } else if (existing.activeVersion === null) {
      const latest = await prisma.accessPolicyVersion.aggregate({
        where: { policyName: policy.name },
        _max: { version: true },
      });
      if (latest._max.version) await policies.enable(author, policy.name, latest._max.version, reason, now);
    }
  }
  // What the previous manifest declared and this one does not is withdrawn.
  const withdraw = `Withdrawn by the department manifest of ${department}.`;
  for (const name of namesOnlyIn(previous?.policies ?? [], manifest.policies)) {
    const existing = await prisma.accessPolicy.findUnique({ where: { name } });
    if (existing?.activeVersion != null) await policies.disable(author, name, withdraw, now);
  }
  for (const name of namesOnlyIn(previous?.purposes ?? [], manifest.purposes)) {
    const existing = await prisma.purpose.findUnique({ where: { name } });
    if (existing?.activeVersion != null) await purposes.disable(author, name, withdraw, now);
  }

  await prisma.$transaction(async (tx) => {
    for (const role of manifest.roles) {
      await tx.role.upsert({
        where: { name: role.name },
        create: { name: role.name, description: role.description, scopes: role.scopes },
        update: { description: role.description, scopes: role.scopes },
      });
    }
    for (const name of namesOnlyIn(previous?.roles ?? [], manifest.roles)) {
      await tx.role.updateMany({ where: { name }, data: { scopes: [] } });
    }
    await tx.officerMembership.updateMany({
      where: { departmentId: department },
      data: { scopes: manifest.officerScopes },
    });
    const row = {
      subgraph: manifest.subgraph,
      manifest: manifest as object,
      scopes: manifest.scopes.map((scope) => scope.name),
      deliveredAt: now,
    };
    await tx.departmentManifest.upsert({
      where: { departmentId: department },
      create: { departmentId: department, ...row },
      update: row,
    });
  });
}

/**
 * A manifest may not take over what it did not create: a platform role, a role another department's manifest declares,
 * or a purpose or policy whose first version someone else wrote (the seed, a security admin, another department).
 * Otherwise a subgraph named `minors` could declare the seeded policy `minors-data` and, by withdrawing it, disable it.
 */
async function refuseOthersNames(prisma: IdentityPrisma, manifest: DepartmentManifest, author: string): Promise<void> {
  const problems: string[] = [];
  const platformRoles = new Set<string>(ROLE_NAMES);
  const others = await prisma.departmentManifest.findMany({
    where: { departmentId: { not: manifest.department.id } },
  });
  const otherRoles = new Map(
    others.flatMap((row) =>
      (row.manifest as unknown as DepartmentManifest).roles.map((role) => [role.name, row.departmentId] as const),
    ),
  );
  for (const role of manifest.roles) {
    if (platformRoles.has(role.name)) problems.push(`role ${role.name} is a platform role.`);
    const owner = otherRoles.get(role.name);
    if (owner) problems.push(`role ${role.name} belongs to ${owner}.`);
  }
  const firstAuthors = async (kind: "purpose" | "policy", names: string[]) =>
    kind === "purpose"
      ? prisma.purposeVersion.findMany({
          where: { purposeName: { in: names }, version: 1 },
          select: { purposeName: true, authorId: true },
        })
      : (
          await prisma.accessPolicyVersion.findMany({
            where: { policyName: { in: names }, version: 1 },
            select: { policyName: true, authorId: true },
          })
        ).map((v) => ({ purposeName: v.policyName, authorId: v.authorId }));
  for (const kind of ["purpose", "policy"] as const) {
    const names = (kind === "purpose" ? manifest.purposes : manifest.policies).map((item) => item.name);
    for (const first of await firstAuthors(kind, names)) {
      if (first.authorId !== author) {
        problems.push(`${kind} ${first.purposeName} exists already and was not created by this department's manifest.`);
      }
    }
  }
  if (problems.length > 0) {
    throw new RouteRefusal("MANIFEST_NOT_OWNED", `The manifest was refused: ${problems.join(" ")}`);
  }
}

/** Scopes the department manifests define, beside the platform's (./roles.ts). */
export async function manifestScopes(prisma: IdentityPrisma): Promise<Set<string>> {
  const rows = await prisma.departmentManifest.findMany({ select: { scopes: true } });
  return new Set(rows.flatMap((row) => row.scopes));
}

/** The scopes a new membership of a department gets from its manifest, or null when it has none. */
export async function manifestOfficerScopes(
  prisma: Pick<IdentityPrisma, "departmentManifest">,
  departmentId: string,
): Promise<string[] | null> {
  const row = await prisma.departmentManifest.findUnique({ where: { departmentId } });
  return row ? (row.manifest as unknown as DepartmentManifest).officerScopes : null;
}

function namesOnlyIn(before: ReadonlyArray<{ name: string }>, after: ReadonlyArray<{ name: string }>): string[] {
  const kept = new Set(after.map((item) => item.name));
  return before.map((item) => item.name).filter((name) => !kept.has(name));
}
