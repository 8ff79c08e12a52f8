/**
 * "What would this principal see for this operation under this draft?" (授权管理). The simulation runs the gateway's
 * own authorization (lib/access/authorize.ts) over the composed supergraph with the active policies, the chosen
 * drafts put in place of their active versions. It answers the per-field decisions for the operation and the
 * effective permission matrix — typical principals of the district × the fields the policies govern — so an admin
 * can check a change before enabling it. Same code, same inputs: once the draft is enabled, the gateway decides
 * exactly what the simulation said.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { GraphQLSchema } from "graphql";
import { authorizeOperation, type FieldDecision, judgeField } from "../../../lib/access/authorize.ts";
import { type ActivePolicy, type PolicySet, policyRuleSchema } from "../../../lib/access/policyRules.ts";
import { purposeAllows } from "../../../lib/access/purposes.ts";
import { requirementsOf, type SupergraphRequirements } from "../../../lib/access/requirements.ts";
import { isPersonKind } from "../../../lib/contracts/principal.ts";
import { codedError } from "../../../lib/errors.ts";
import { ANONYMOUS, type Principal, type PrincipalKind } from "../../../lib/principal.ts";
import { DEPARTMENT_SCOPES, ROLES, type RoleName } from "../roles.ts";
import type { PolicyStore } from "./policyStore.ts";
import type { PurposeStore } from "./purposeStore.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { buildASTSchema, parse, validate, GraphQLError } = graphqlCjs;

export interface SimulatedPrincipalInput {
  kind: PrincipalKind;
  roles?: string[] | null;
  scopes?: string[] | null;
  departmentId?: string | null;
  streetIds?: string[] | null;
}

export interface SimulationInput {
  principal: SimulatedPrincipalInput;
  operation: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  purpose?: string | null;
  /** Policy versions to use in place of the active ones (usually drafts). */
  drafts?: Array<{ name: string; version: number }> | null;
  at?: Date | null;
}

export interface PermissionMatrix {
  principals: string[];
  rows: Array<{ coordinate: string; allowed: boolean[] }>;
  text: string;
}

export interface SimulationResult {
  policyRevision: number;
  /** Whether the principal may declare the purpose (the registry); null without a purpose. */
  purposeAllowed: boolean | null;
  policies: ActivePolicy[];
  decisions: FieldDecision[];
  denied: FieldDecision[];
  matrix: PermissionMatrix;
}

interface LoadedSupergraph {
  schema: GraphQLSchema;
  requirements: SupergraphRequirements;
}

/** Reads the composed supergraph once per file change (the same file the gateway serves). */
export function supergraphReader(path: string): () => LoadedSupergraph {
  let cached: { sdl: string; loaded: LoadedSupergraph } | undefined;
  return () => {
    const sdl = readFileSync(path, "utf8");
    if (cached?.sdl !== sdl) {
      cached = {
        sdl,
        loaded: { schema: buildASTSchema(parse(sdl), { assumeValidSDL: true }), requirements: requirementsOf(sdl) },
      };
    }
    return cached.loaded;
  };
}

/** The principal a token of this kind, role and department would carry (scopes as the identity service issues them). */
export function simulatedPrincipal(input: SimulatedPrincipalInput): Principal {
  const roles = input.roles?.length ? input.roles : defaultRoles(input.kind);
  const roleScopes = ROLES.filter((role) => roles.includes(role.name)).flatMap((role) => role.scopes);
  const departmentScopes = input.departmentId ? (DEPARTMENT_SCOPES[input.departmentId] ?? []) : [];
  return {
    ...ANONYMOUS,
    kind: input.kind,
    id: `simulated-${input.kind}`,
    roles,
    scopes: input.scopes ?? [...new Set([...roleScopes, ...departmentScopes])],
    departmentId: input.departmentId ?? null,
    streetIds: input.streetIds ?? [],
    residentId: input.kind === "resident" ? "resident-simulated" : null,
  };
}

function defaultRoles(kind: PrincipalKind): RoleName[] {
  if (kind === "app") return ["integrator"];
  // Each kind of person has the role of the same name.
  if (isPersonKind(kind)) return [kind];
  return [];
}

/** Typical principals of the district, the columns of the permission matrix. */
export const MATRIX_PRINCIPALS: Array<{ label: string; input: SimulatedPrincipalInput }> = [
  { label: "resident", input: { kind: "resident" } },
  ...["dept-health", "dept-education", "dept-sports", "dept-culture", "dept-transport", "dept-admin-service"].map(
    (departmentId) => ({
      label: `officer@${departmentId.slice(5)}`,
      input: { kind: "officer" as const, departmentId, streetIds: ["street-jingansi"] },
    }),
  ),
  { label: "security_admin", input: { kind: "security_admin" } },
  { label: "auditor", input: { kind: "auditor" } },
  { label: "app", input: { kind: "app" } },
];

export async function simulate(
  store: PolicyStore,
  purposes: PurposeStore,
  supergraph: () => LoadedSupergraph,
  input: SimulationInput,
  now: Date,
): Promise<SimulationResult> {
  const { schema, requirements } = supergraph();
  let document: import("graphql").DocumentNode;
  try {
    document = parse(input.operation, { maxTokens: 3000 });
  } catch (error) {
    throw codedError("BAD_USER_INPUT", `The operation does not parse: ${(error as Error).message}`, {
      argument: "operation",
    });
  }
  const problems = validate(schema, document);
  if (problems.length > 0) {
    throw codedError("BAD_USER_INPUT", `The operation is not valid for the graph: ${problems[0]?.message}`, {
      argument: "operation",
    });
  }
  const { revision, policies: active } = await store.activeSet();
  const policies = new Map<string, ActivePolicy>(active.map((p) => [p.name, p]));
  const drafts = input.drafts ?? [];
  if (drafts.length > 0) {
    const versions = await store.versions(drafts.map((d) => d.name));
    for (const draft of drafts) {
      const version = versions.find((v) => v.policyName === draft.name && v.version === draft.version);
      if (!version) {
        throw codedError("NOT_FOUND_ENTITY", `Policy ${draft.name} has no version ${draft.version}.`, {
          argument: "drafts",
        });
      }
      policies.set(draft.name, {
        name: draft.name,
        version: draft.version,
        description: version.description,
        rule: policyRuleSchema.parse(version.rule),
      });
    }
  }
  const set: PolicySet = { revision, policies };
  const at = input.at ?? now;
  const purpose = input.purpose ?? null;
  // The gateway refuses a purpose the principal may not declare before judging any field (PURPOSE_NOT_ALLOWED).
  const registered = purpose ? (await purposes.activeSet()).purposes.find((p) => p.name === purpose) : undefined;
  const purposeAllowed = purpose
    ? registered !== undefined && purposeAllows(registered, simulatedPrincipal(input.principal))
    : null;
  let authorization: ReturnType<typeof authorizeOperation>;
  try {
    authorization = authorizeOperation({
      schema,
      document,
      operationName: input.operationName ?? null,
      variables: input.variables ?? {},
      requirements,
      policies: set,
      facts: { principal: simulatedPrincipal(input.principal), purpose, now: at },
    });
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    throw codedError("BAD_USER_INPUT", `Choose an operation of the document with operationName.`, {
      argument: "operationName",
    });
  }

  // Rows: fields governed by the simulated drafts' policies, or by any policy when there are no drafts.
  const draftNames = new Set(drafts.map((d) => d.name));
  const coordinates = [...requirements.fields]
    .filter(([, requirement]) =>
      requirement.policies.some((clause) =>
        clause.some((group) => group.some((name) => draftNames.size === 0 || draftNames.has(name))),
      ),
    )
    .map(([coordinate]) => coordinate)
    .sort();
  const principals = MATRIX_PRINCIPALS.map((p) => ({ label: p.label, principal: simulatedPrincipal(p.input) }));
  const rows = coordinates.map((coordinate) => ({
    coordinate,
    allowed: principals.map(
      ({ principal }) => judgeField(coordinate, requirements, set, { principal, purpose, now: at }).allowed,
    ),
  }));
  return {
    policyRevision: revision,
    purposeAllowed,
    policies: [...policies.values()].sort((a, b) => a.name.localeCompare(b.name)),
    decisions: authorization.decisions,
    denied: authorization.denied,
    matrix: {
      principals: principals.map((p) => p.label),
      rows,
      text: matrixText(
        principals.map((p) => p.label),
        rows,
      ),
    },
  };
}

/** The matrix as a fixed-width table: `✓` allowed, `·` denied. */
export function matrixText(principals: string[], rows: PermissionMatrix["rows"]): string {
  const width = Math.max(10, ...rows.map((r) => r.coordinate.length));
  const header = `${"field".padEnd(width)} | ${principals.join(" | ")}`;
  const lines = rows.map(
    (row) =>
      `${row.coordinate.padEnd(width)} | ${row.allowed
        .map((allowed, i) => (allowed ? "✓" : "·").padEnd((principals[i] ?? "").length))
        .join(" | ")}`,
  );
  return [header, "-".repeat(header.length), ...lines].join("\n");
}
