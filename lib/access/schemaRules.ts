/**
 * The platform's schema rules (接入管理 checks), as reusable functions over one subgraph's SDL: the schema registry
 * runs them on every publish (registry/checks.ts), and test/access/schemaRules.test.ts holds every district subgraph to
 * them (test/access/schemaCoverage.test.ts checks the first on the composed supergraph, and
 * classificationCoverage.test.ts the second against the Prisma models, more strictly than a name can).
 *
 * 1. **Deny by default**: every field is marked `@public` or carries a requirement (`@authenticated`,
 *    `@requiresScopes`, `@policy`) — on the field, on the type it returns, or on its own type.
 * 2. **Personal data classified**: a field that is not public and whose name says it holds personal data (a name,
 *    phone, address, identity number, plate …) is `@classified` (on the field or its type).
 *
 * The owner rule (every subgraph has an owner department) is kept by the registry itself: a subgraph is registered
 * by, and belongs to, the department of its first publisher.
 */
import { createRequire } from "node:module";
import type { DocumentNode, FieldDefinitionNode } from "graphql";
import { classificationOf } from "./classification.ts";
import { requirementsOf } from "./requirements.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { Kind, parse, print } = graphqlCjs;

/** Names that could be personal data (the same vocabulary as test/access/classificationCoverage.test.ts). */
export const PERSONAL_VOCABULARY =
  /(name|phone|mobile|idnumber|idcard|email|address|birth|plate|clientip|username|pseudonym)$/i;

/** Types the composition machinery defines: not the department's fields. */
const INTERNAL_TYPE = /^(join__|link__|_Service$|_Entity$|_Any$)/;

/**
 * The district's fields with personal-sounding names that are not personal data, with the reason (the registry's
 * default exemptions; the same judgements as test/access/classificationCoverage.test.ts).
 */
export const DISTRICT_NOT_PERSONAL: Readonly<Record<string, string>> = {
  "Enterprise.name": "an enterprise is a legal person, not personal information (PIPL art. 4)",
  "Enterprise.industryName": "an industry classification",
  "Enterprise.industrySectionName": "an industry classification",
  "Enterprise.address": "an enterprise's registered address",
  "IntegratorApp.name": "an integrator application",
  "AccessPolicy.name": "an access policy",
  "AccessPolicyVersion.policyName": "an access policy",
  "AccessPolicyChange.policyName": "an access policy",
  "ProcessingPurpose.name": "a processing purpose the district declares",
  "ProcessingPurposeVersion.purposeName": "a processing purpose the district declares",
  "ProcessingPurposeChange.purposeName": "a processing purpose the district declares",
  "DataAccessRecord.operationName": "the name of a GraphQL operation",
  "TrustedDocument.operationName": "the name of a registered GraphQL operation",
};

export interface SchemaRuleViolation {
  rule: "field-unguarded" | "personal-data-unclassified";
  /** `Type.field` */
  coordinate: string;
  message: string;
}

export interface SchemaRuleOptions {
  /** Coordinates with personal-sounding names that are not personal data, each with its reason (default: the district's). */
  notPersonal?: Readonly<Record<string, string>>;
}

/** Object fields a schema defines (definitions and extensions), `@external` ones left out. */
function ownFields(document: DocumentNode): Array<{ type: string; field: FieldDefinitionNode }> {
  const found: Array<{ type: string; field: FieldDefinitionNode }> = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (INTERNAL_TYPE.test(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === "external")) continue;
      found.push({ type: definition.name.value, field });
    }
  }
  return found;
}

/**
 * Every violation of the platform's rules in one SDL (a subgraph's, with type-level `@public` moved onto fields as
 * composition does — `publicMarksOnFields` — or a composed supergraph).
 */
export function schemaRuleViolations(
  sdl: string | DocumentNode,
  options: SchemaRuleOptions = {},
): SchemaRuleViolation[] {
  const text = typeof sdl === "string" ? sdl : print(sdl);
  const document = parse(text);
  const { fields: required, guardedTypes } = requirementsOf(text);
  const classified = classificationOf(text);
  const violations: SchemaRuleViolation[] = [];
  for (const { type, field } of ownFields(document)) {
    const coordinate = `${type}.${field.name.value}`;
    const isPublic = field.directives?.some((d) => d.name.value === "public") ?? false;
    if (!isPublic && !required.has(coordinate) && !guardedTypes.has(type)) {
      violations.push({
        rule: "field-unguarded",
        coordinate,
        message: `${coordinate} is neither @public nor guarded (@authenticated, @requiresScopes or @policy on the field, its type or the type it returns); deny by default needs one of them.`,
      });
    }
    if (
      !isPublic &&
      PERSONAL_VOCABULARY.test(field.name.value) &&
      !classified.has(coordinate) &&
      !(options.notPersonal ?? DISTRICT_NOT_PERSONAL)[coordinate]
    ) {
      violations.push({
        rule: "personal-data-unclassified",
        coordinate,
        message: `${coordinate} reads as personal data but is not @classified; add @classified(level:, category:, mask:) so it is masked and audited.`,
      });
    }
  }
  return violations;
}
