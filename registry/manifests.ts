/**
 * Department manifests at the registry (docs/registry.md, "Onboarding as data"): a manifest sent with a publish is
 * parsed with the one contract (lib/contracts/departmentManifest.ts), held to its naming rules (`MANIFEST_INVALID`),
 * and refused when it claims what another department owns (`MANIFEST_NOT_OWNED`): a name another department's active
 * manifest claims, a data-catalogue entry the catalogue names another owner for, or another department altogether.
 */
import { claimedNames, type DepartmentManifest, parseDepartmentManifest } from "../lib/contracts/departmentManifest.ts";
import type { ErrorCode } from "../lib/errors.ts";

export interface ManifestClaim {
  kind: string;
  name: string;
  departmentId: string;
  subgraph: string;
}

export interface ManifestJudgement {
  ok: boolean;
  code?: Extract<ErrorCode, "MANIFEST_INVALID" | "MANIFEST_NOT_OWNED">;
  problems: string[];
  manifest?: DepartmentManifest;
}

export interface ManifestContext {
  /** The subgraph the manifest is sent for (the publish route's name). */
  subgraph: string;
  /** The department that owns (or, on a first publish, will own) the subgraph. */
  departmentId: string;
  /** Names claimed by the active manifests of every subgraph. */
  claims: ManifestClaim[];
  /** Catalogue entries with their owners (the catalogue's system of record). */
  catalogue: ReadonlyArray<{ id: string; ownerDepartmentId: string }>;
}

export function judgeManifest(input: unknown, context: ManifestContext): ManifestJudgement {
  const parsed = parseDepartmentManifest(input);
  if (!parsed.manifest) return { ok: false, code: "MANIFEST_INVALID", problems: parsed.problems };
  const { manifest } = parsed;
  const problems = [...parsed.problems];
  if (manifest.subgraph !== context.subgraph) {
    problems.unshift(`subgraph: the manifest is for ${manifest.subgraph}, but it was sent for ${context.subgraph}.`);
  }
  if (problems.length > 0) return { ok: false, code: "MANIFEST_INVALID", problems };

  const notOwned: string[] = [];
  if (manifest.department.id !== context.departmentId) {
    notOwned.push(
      `department: the manifest is for ${manifest.department.id}, but ${context.subgraph} belongs to ${context.departmentId}.`,
    );
  }
  const claimed = new Map(context.claims.map((claim) => [`${claim.kind}\u0000${claim.name}`, claim]));
  for (const { kind, name } of claimedNames(manifest)) {
    const owner = claimed.get(`${kind}\u0000${name}`);
    if (owner && (owner.departmentId !== manifest.department.id || owner.subgraph !== context.subgraph)) {
      notOwned.push(`${kind} ${name} belongs to ${owner.departmentId} (subgraph ${owner.subgraph}).`);
    }
  }
  const owners = new Map(context.catalogue.map((entry) => [entry.id, entry.ownerDepartmentId]));
  for (const resource of manifest.dataResources) {
    const owner = owners.get(resource.id);
    if (owner && owner !== manifest.department.id) {
      notOwned.push(`data resource ${resource.id} is owned by ${owner} in the catalogue.`);
    }
  }
  if (notOwned.length > 0) return { ok: false, code: "MANIFEST_NOT_OWNED", problems: notOwned, manifest };
  return { ok: true, problems: [], manifest };
}
