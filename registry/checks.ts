/**
 * The checks every publish runs (接入管理: "check a schema change against the live graph before publishing"):
 *
 * 1. **composition** of the candidate with the other subgraphs' active versions (`@apollo/composition`, as
 *    `npm run compose` does);
 * 2. a **change report** of the graph clients see (the API schema before and after), classified by
 *    `@graphql-inspector/core` as breaking, dangerous or safe — each breaking change joined with the clients that used
 *    the field within the usage window;
 * 3. the **platform's rules** (lib/access/schemaRules.ts): every field public or guarded, personal data classified;
 * 4. **security-relevant changes**: a field whose requirements (`@authenticated`, `@requiresScopes`, `@policy`) or
 *    classification (`@classified`) differ between the two supergraphs.
 *
 * A change passes when it composes, keeps the rules and breaks no field in use; it waits for a security
 * administrator's approval when it is breaking or security-relevant.
 */

import { createRequire } from "node:module";
import { printSchema as printFederationSchema, Supergraph } from "@apollo/federation-internals";
import type { Change } from "@graphql-inspector/core";
import { type DocumentNode, GraphQLError, parse } from "graphql";
import { classificationOf } from "../lib/access/classification.ts";
import { requirementsOf, supergraphForPlanner } from "../lib/access/requirements.ts";
import { type SchemaRuleViolation, schemaRuleViolations } from "../lib/access/schemaRules.ts";
import { composeSupergraph, publicMarksOnFields } from "../scripts/composeSupergraph.ts";
import { withSchemaHeader } from "../subgraphs/kit/schemaHeader.ts";
import { operationProblems } from "./operations.ts";
import type { RegisteredOperation } from "./trustedOperations.ts";

// graphql-inspector and the schemas it compares must share one graphql instance; both are taken from graphql's
// CommonJS build (as lib/access does), whatever module system loaded this file.
const requireCjs = createRequire(import.meta.url);
const { buildSchema } = requireCjs("graphql") as typeof import("graphql");
const { CriticalityLevel, diff } = requireCjs("@graphql-inspector/core") as typeof import("@graphql-inspector/core");

export interface SubgraphSource {
  name: string;
  url: string;
  /** The department's SDL, as in its `schema.graphql` (the kit's header is added when it is missing). */
  sdl: string;
}

export type ChangeLevel = "BREAKING" | "DANGEROUS" | "SAFE";

export interface ReportedChange {
  level: ChangeLevel;
  /** inspector's change type, e.g. FIELD_REMOVED */
  type: string;
  message: string;
  /** `Type.field` the change touches, when it touches one. */
  coordinate: string | null;
  /** Clients (app ids, or principal kinds) that used the coordinate within the usage window. */
  usedBy: string[];
}

export interface CheckReport {
  /** May be published: composes, keeps the rules, breaks no field in use. */
  ok: boolean;
  /** Must wait for a security administrator: breaking or security-relevant. */
  needsApproval: boolean;
  composition: { ok: boolean; errors: string[]; hints: string[] };
  changes: ReportedChange[];
  securityChanges: string[];
  violations: SchemaRuleViolation[];
  /**
   * Registered trusted operations (./operations.ts) that validate against the graph of now and would not against the
   * candidate: operations in use, so the change is refused naming their apps.
   */
  brokenOperations: BrokenOperation[];
  /** One line per reason the change is refused or waits, for people. */
  problems: string[];
}

export interface BrokenOperation {
  appId: string;
  hash: string;
  operationName: string | null;
  problems: string[];
}

export interface CheckInput {
  candidate: SubgraphSource;
  /** The active versions of every other subgraph. */
  others: SubgraphSource[];
  /** The supergraph gateways serve now (null before the first publish). */
  currentSupergraph: string | null;
  /** Clients that used each coordinate within the window. */
  usage(coordinates: string[]): Promise<Map<string, string[]>>;
  /** Every registered trusted operation (identity's copy); absent: none are checked. */
  trustedOperations?: () => Promise<RegisteredOperation[]>;
}

export interface CheckOutcome {
  report: CheckReport;
  /** The composed supergraph with the candidate, when it composes. */
  supergraphSdl: string | null;
}

/** Parses a department's SDL with the kit header; throws a GraphQLError naming the syntax problem. */
export function subgraphDocument(sdl: string): DocumentNode {
  const document = parse(sdl);
  const hasHeader = document.definitions.some((d) => d.kind === "DirectiveDefinition" && d.name.value === "public");
  return hasHeader ? document : withSchemaHeader(document);
}

export async function checkSubgraph(input: CheckInput): Promise<CheckOutcome> {
  const { candidate } = input;
  let candidateDocument: DocumentNode;
  try {
    candidateDocument = subgraphDocument(candidate.sdl);
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : String(error);
    return refused([`The SDL does not parse: ${message}`]);
  }
  const composition = composeSupergraph([
    ...input.others.map((other) => ({ name: other.name, url: other.url, typeDefs: subgraphDocument(other.sdl) })),
    { name: candidate.name, url: candidate.url, typeDefs: candidateDocument },
  ]);
  const violations = schemaRuleViolations(publicMarksOnFields(candidateDocument));
  const problems = violations.map((v) => v.message);
  if (!composition.ok) {
    return {
      report: {
        ok: false,
        needsApproval: false,
        composition: { ok: false, errors: composition.errors, hints: composition.hints },
        changes: [],
        securityChanges: [],
        violations,
        brokenOperations: [],
        problems: [...composition.errors.map((e) => `Composition: ${e}`), ...problems],
      },
      supergraphSdl: null,
    };
  }
  const next = composition.supergraphSdl;
  const changes = input.currentSupergraph ? await changesBetween(input.currentSupergraph, next) : [];
  const breaking = changes.filter((c) => c.level === "BREAKING" && c.coordinate);
  const usage = await input.usage([...new Set(breaking.map((c) => c.coordinate as string))]);
  for (const change of breaking) change.usedBy = usage.get(change.coordinate as string) ?? [];
  for (const change of breaking.filter((c) => c.usedBy.length > 0)) {
    problems.push(
      `Breaking change to ${change.coordinate}, used by ${change.usedBy.join(", ")}: ${change.message}. Keep the field (deprecate it) until they stop using it.`,
    );
  }
  const brokenOperations = input.currentSupergraph
    ? await brokenTrustedOperations(input.currentSupergraph, next, input.trustedOperations, problems)
    : [];
  const securityChanges = input.currentSupergraph ? securityChangesBetween(input.currentSupergraph, next) : [];
  const hasBreaking = changes.some((c) => c.level === "BREAKING");
  return {
    report: {
      ok: problems.length === 0,
      needsApproval: hasBreaking || securityChanges.length > 0,
      composition: { ok: true, errors: [], hints: composition.hints },
      changes,
      securityChanges,
      violations,
      brokenOperations,
      problems,
    },
    supergraphSdl: next,
  };
}

/**
 * Registered operations that validate now and would not after the change; each adds a problem naming its app. When
 * identity cannot list them the check fails closed: nobody can tell what the change would break.
 */
async function brokenTrustedOperations(
  before: string,
  after: string,
  source: CheckInput["trustedOperations"],
  problems: string[],
): Promise<BrokenOperation[]> {
  if (!source) return [];
  let operations: RegisteredOperation[];
  try {
    operations = await source();
  } catch (error) {
    problems.push(
      `The registered trusted operations could not be read (${(error as Error).message}); check again when identity answers.`,
    );
    return [];
  }
  if (operations.length === 0) return [];
  const [schemaBefore, schemaAfter] = [apiSchemaOf(before), apiSchemaOf(after)];
  const broken: BrokenOperation[] = [];
  for (const operation of operations) {
    const found = operationProblems(schemaAfter, operation.document);
    if (found.length === 0 || operationProblems(schemaBefore, operation.document).length > 0) continue;
    broken.push({
      appId: operation.appId,
      hash: operation.hash,
      operationName: operation.operationName,
      problems: found,
    });
  }
  for (const operation of broken) {
    problems.push(
      `Registered operation ${operation.operationName ?? operation.hash.slice(0, 12)} of app ${operation.appId} would break: ${operation.problems.join(" ")} Keep the field (deprecate it) until the app registers operations without it.`,
    );
  }
  return broken;
}

function refused(problems: string[]): CheckOutcome {
  return {
    report: {
      ok: false,
      needsApproval: false,
      composition: { ok: false, errors: [], hints: [] },
      changes: [],
      securityChanges: [],
      violations: [],
      brokenOperations: [],
      problems,
    },
    supergraphSdl: null,
  };
}

/** The schema clients see (federation machinery removed), built with this package's graphql. */
export function apiSchemaOf(supergraphSdl: string) {
  const api = Supergraph.build(supergraphForPlanner(supergraphSdl)).apiSchema();
  return buildSchema(printFederationSchema(api));
}

const LEVELS: Record<string, ChangeLevel> = {
  [CriticalityLevel.Breaking]: "BREAKING",
  [CriticalityLevel.Dangerous]: "DANGEROUS",
  [CriticalityLevel.NonBreaking]: "SAFE",
};

export async function changesBetween(before: string, after: string): Promise<ReportedChange[]> {
  const found: Change[] = await diff(apiSchemaOf(before), apiSchemaOf(after));
  return found.map((change) => ({
    level: LEVELS[change.criticality.level] ?? "DANGEROUS",
    type: String(change.type),
    message: change.message,
    coordinate: change.path ? change.path.split(".").slice(0, 2).join(".") : null,
    usedBy: [],
  }));
}

/** Fields present in both supergraphs whose requirements or classification differ. */
export function securityChangesBetween(before: string, after: string): string[] {
  const requirementsBefore = requirementsOf(before).fields;
  const requirementsAfter = requirementsOf(after).fields;
  const classifiedBefore = classificationOf(before);
  const classifiedAfter = classificationOf(after);
  const fieldsBefore = new Set(fieldCoordinates(before));
  const changed: string[] = [];
  for (const coordinate of fieldCoordinates(after)) {
    if (!fieldsBefore.has(coordinate)) continue;
    const was = JSON.stringify(requirementsBefore.get(coordinate) ?? null);
    const is = JSON.stringify(requirementsAfter.get(coordinate) ?? null);
    if (was !== is) changed.push(`${coordinate}: authorization ${was} → ${is}`);
    const wasClassified = JSON.stringify(classifiedBefore.get(coordinate) ?? null);
    const isClassified = JSON.stringify(classifiedAfter.get(coordinate) ?? null);
    if (wasClassified !== isClassified)
      changed.push(`${coordinate}: classification ${wasClassified} → ${isClassified}`);
  }
  return changed;
}

function fieldCoordinates(supergraphSdl: string): string[] {
  const coordinates: string[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== "ObjectTypeDefinition" && definition.kind !== "InterfaceTypeDefinition") continue;
    if (/^(join__|link__)/.test(definition.name.value)) continue;
    for (const field of definition.fields ?? []) coordinates.push(`${definition.name.value}.${field.name.value}`);
  }
  return coordinates;
}
