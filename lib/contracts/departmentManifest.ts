/**
 * A department's manifest (部门接入清单): what a department brings to the graph besides its SDL — its roles, the scopes
 * it defines, the access-policy names it uses, its purposes of processing and its data-catalogue entries. It lives in
 * `subgraphs/<name>/department.json` next to the SDL and is sent with a registration or publish
 * (`npm run registry -- publish <name> <sdl> --manifest <file>`); the registry validates it, refuses what another
 * department owns, stores it with the version and delivers it to identity (roles, scopes, purposes) and catalog
 * (data-resource entries) over their signed routes (docs/registry.md).
 *
 * The registry, identity and catalog all parse with this one schema. Naming rules keep a department inside its own
 * namespace: the scopes it defines are `<subgraph>:<action>`, its roles start with `<subgraph>_`, its policies and
 * purposes with `<subgraph>-` (underscores as dashes), and its policies name only its own purposes. Platform scopes (graph-wide reading, clearances) may be granted but not defined.
 */
import { z } from "zod";
import { policyRuleSchema } from "../access/policyRules.ts";
import { purposeDefinitionSchema } from "../access/purposes.ts";

export const MANIFEST_VERSION = 1;

/** Scopes a manifest may grant without defining them: the platform's graph-wide ones. */
export const PLATFORM_SCOPES = [
  "graph:read",
  "catalog:read",
  "clearance:internal",
  "clearance:personal",
  "clearance:sensitive",
] as const;

const SUBGRAPH_NAME = /^[a-z][a-z0-9_]{0,40}$/;
const SCOPE_NAME = /^[a-z][a-z0-9_]*:[a-z][a-z0-9:_-]{0,40}$/;
const ROLE_NAME = /^[a-z][a-z0-9_]{1,63}$/;
const POLICY_NAME = /^[a-z][a-z0-9_-]{1,63}$/;
const PURPOSE_NAME = /^[a-z][a-z0-9-]{1,63}$/;
const DEPARTMENT_ID = /^dept-[a-z0-9-]{2,40}$/;
const RESOURCE_ID = /^res-[a-z]?[0-9]{4,6}$/;

const text = (max: number) => z.string().trim().min(2).max(max);

export const manifestScopeSchema = z
  .object({
    name: z.string().regex(SCOPE_NAME, "must be <subgraph>:<action>, e.g. civil_affairs:read"),
    description: text(300),
  })
  .strict();

export const manifestRoleSchema = z
  .object({
    name: z.string().regex(ROLE_NAME, "must be lower_snake_case"),
    description: text(300),
    /** Scopes the role grants: the manifest's own, or platform scopes. */
    scopes: z.array(z.string().regex(SCOPE_NAME)).min(1).max(30),
  })
  .strict();

export const manifestPurposeSchema = purposeDefinitionSchema.extend({
  name: z.string().regex(PURPOSE_NAME, "must be a purpose name (lower-case words joined by dashes)"),
});

/**
 * An access policy the department's schema names (`@policy(policies: [["civil-affairs-records"]])`) with its initial
 * rule: identity creates it when it does not exist yet; afterwards security admins change it as data (the manifest
 * never overwrites their version).
 */
export const manifestPolicySchema = z
  .object({
    name: z.string().regex(POLICY_NAME, "must be lower-case words joined by dashes"),
    description: text(300),
    rule: policyRuleSchema,
  })
  .strict();

export const manifestDataResourceSchema = z
  .object({
    /** The catalogue id: an entry the department already owns, or a new one. */
    id: z.string().regex(RESOURCE_ID, "must be res-NNNN"),
    name: text(120),
    description: text(1000),
    authoritativeSource: text(200),
    classification: z.enum(["PUBLIC", "INTERNAL", "SENSITIVE", "CORE"]),
    openStatus: z.enum(["OPEN", "CONDITIONAL", "NOT_OPEN"]),
    updateFrequency: z.enum(["REALTIME", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "YEARLY"]),
    /** Required when openStatus is CONDITIONAL: on what conditions it is opened (有条件开放). */
    openConditions: text(300).optional(),
    format: text(40),
    fieldCount: z.number().int().min(1).max(1000).default(1),
    keywords: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
    /** The graph types that serve it (`@dataResource` in the SDL must name the same id). */
    servedBy: z
      .array(z.string().regex(/^[A-Z][A-Za-z0-9_]*(\.[a-z][A-Za-z0-9_]*)?$/))
      .max(20)
      .default([]),
  })
  .strict();

export const departmentManifestSchema = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION),
    /** The subgraph the manifest belongs to (the registry's name). */
    subgraph: z.string().regex(SUBGRAPH_NAME),
    department: z
      .object({
        id: z.string().regex(DEPARTMENT_ID, "must be the catalogue's department id, e.g. dept-civil-affairs"),
        name: text(80),
      })
      .strict(),
    scopes: z.array(manifestScopeSchema).max(30).default([]),
    roles: z.array(manifestRoleSchema).max(20).default([]),
    /** Scopes every officer of the department gets with the membership (own or platform scopes). */
    officerScopes: z.array(z.string().regex(SCOPE_NAME)).max(30).default([]),
    /** Access policies the department's schema relies on (`@policy(policies: [["…"]])`), with their first rule. */
    policies: z.array(manifestPolicySchema).max(30).default([]),
    purposes: z.array(manifestPurposeSchema).max(20).default([]),
    dataResources: z.array(manifestDataResourceSchema).max(50).default([]),
  })
  .strict();

export type DepartmentManifest = z.output<typeof departmentManifestSchema>;
export type DepartmentManifestInput = z.input<typeof departmentManifestSchema>;

export type ParsedDepartmentManifest =
  | { ok: true; manifest: DepartmentManifest; problems: [] }
  /** `manifest` is null when the value does not match the contract, set when it only breaks the naming rules. */
  | { ok: false; manifest: DepartmentManifest | null; problems: string[] };

/**
 * The one parse of a manifest, for the registry, identity and catalog: the contract (each mismatch named by its path)
 * and then the manifest's own naming rules (`manifestRuleProblems`). Whoever receives one refuses it on `!ok` with
 * MANIFEST_INVALID and the problems.
 */
export function parseDepartmentManifest(input: unknown): ParsedDepartmentManifest {
  const parsed = departmentManifestSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      manifest: null,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "manifest"}: ${issue.message}`),
    };
  }
  const problems = manifestRuleProblems(parsed.data);
  return problems.length > 0
    ? { ok: false, manifest: parsed.data, problems }
    : { ok: true, manifest: parsed.data, problems: [] };
}

/** A rule of the manifest's own (not of another department's) that it breaks; empty when it keeps them all. */
export function manifestRuleProblems(manifest: DepartmentManifest): string[] {
  const problems: string[] = [];
  const prefix = manifest.subgraph;
  const own = new Set(manifest.scopes.map((scope) => scope.name));
  const grantable = new Set<string>([...own, ...PLATFORM_SCOPES]);
  const duplicates = (kind: string, names: string[]) => {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) problems.push(`${kind} ${name} is declared twice.`);
      seen.add(name);
    }
  };
  duplicates(
    "scope",
    manifest.scopes.map((s) => s.name),
  );
  duplicates(
    "role",
    manifest.roles.map((r) => r.name),
  );
  duplicates(
    "policy",
    manifest.policies.map((p) => p.name),
  );
  duplicates(
    "purpose",
    manifest.purposes.map((p) => p.name),
  );
  duplicates(
    "data resource",
    manifest.dataResources.map((d) => d.id),
  );
  for (const scope of manifest.scopes) {
    if (!scope.name.startsWith(`${prefix}:`)) {
      problems.push(`scope ${scope.name} must be in the subgraph's namespace: ${prefix}:<action>.`);
    }
  }
  for (const role of manifest.roles) {
    if (!role.name.startsWith(`${prefix}_`)) problems.push(`role ${role.name} must start with ${prefix}_.`);
    for (const scope of role.scopes) {
      if (!grantable.has(scope)) {
        problems.push(`role ${role.name} grants ${scope}, which the manifest neither defines nor may grant.`);
      }
    }
  }
  for (const scope of manifest.officerScopes) {
    if (!grantable.has(scope)) {
      problems.push(`officerScopes names ${scope}, which the manifest neither defines nor may grant.`);
    }
  }
  const dashed = prefix.replaceAll("_", "-");
  const ownPurposes = new Set(manifest.purposes.map((p) => p.name));
  for (const policy of manifest.policies) {
    if (!policy.name.startsWith(`${dashed}-`)) problems.push(`policy ${policy.name} must start with ${dashed}-.`);
    for (const grant of policy.rule.anyOf) {
      if (grant.departments?.some((d) => d !== manifest.department.id)) {
        problems.push(`policy ${policy.name} may grant only to the manifest's own department.`);
      }
      for (const purpose of grant.purposes ?? []) {
        if (!ownPurposes.has(purpose)) {
          problems.push(`policy ${policy.name} names purpose ${purpose}, which the manifest does not declare.`);
        }
      }
    }
  }
  for (const purpose of manifest.purposes) {
    if (!purpose.name.startsWith(`${dashed}-`)) problems.push(`purpose ${purpose.name} must start with ${dashed}-.`);
    if (purpose.departments.length > 0 && !purpose.departments.every((d) => d === manifest.department.id)) {
      problems.push(`purpose ${purpose.name} may name only the manifest's own department.`);
    }
  }
  return problems;
}

/** Every name the manifest claims, for ownership checks across departments. */
export function claimedNames(manifest: DepartmentManifest): Array<{ kind: string; name: string }> {
  return [
    ...manifest.scopes.map((s) => ({ kind: "scope", name: s.name })),
    ...manifest.roles.map((r) => ({ kind: "role", name: r.name })),
    ...manifest.policies.map((p) => ({ kind: "policy", name: p.name })),
    ...manifest.purposes.map((p) => ({ kind: "purpose", name: p.name })),
    ...manifest.dataResources.map((d) => ({ kind: "data resource", name: d.id })),
  ];
}
