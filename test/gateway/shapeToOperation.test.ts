/**
 * Shaping the planner's result back to the client's operation (gateway/authorization/shapeToOperation.ts, issue 16):
 * held to graphql-js `execute` over the same schema, data and decisions — same keys in the same order, the same
 * nulls where non-null propagation puts them, masked values, and the same FIELD_NOT_AUTHORIZED errors with their
 * paths — and the subjects it collects for the audit.
 */
import { createRequire } from "node:module";
import type { FieldNode, GraphQLFieldResolver } from "graphql";
import { describe, expect, it } from "vitest";
import { SUBJECT_ALIAS, shapeToOperation } from "../../gateway/authorization/shapeToOperation.ts";
import type { ClassifiedField, FieldDecision, OperationAuthorization } from "../../lib/access/authorize.ts";
import { type MaskStrategy, maskValue } from "../../lib/access/classification.ts";
import { buildOperationView, type OperationView } from "../../lib/access/operationView.ts";

// The CommonJS graphql, as the gateway's executor uses it (one realm for schema and documents).
const require = createRequire(import.meta.url);
const { buildSchema, execute, GraphQLError, parse } = require("graphql") as typeof import("graphql");
// Apollo's own shaping of a plan's merged data, the oracle of `complete` (our plan executor's input).
const federation = require("@apollo/federation-internals");
const { computeResponse } = require("@apollo/gateway/dist/resultShaping");

const SDL = `
  type Query { homes: [Home!]! home(id: ID!): Home node: Node things: [Thing] residents: [Resident!] }
  interface Node { id: ID! }
  union Thing = Home | Resident
  enum Level { LOW HIGH }
  type Home implements Node { id: ID! name: String code: String! level: Level beds: Int followUps: [FollowUp!] }
  type FollowUp { scheduledAt: String! notes: String tags: [String] resident: Resident }
  type Resident implements Node { id: ID! name: String idNumber: String! phones: [String!] }
`;
const schema = buildSchema(SDL);

const alice = { id: "resident-1", name: "张伟", idNumber: "310101199001011234", phones: ["13812345678"] };
const bob = { id: "resident-2", name: "欧阳娜娜", idNumber: "31010119900101123X", phones: ["13900001111", "12"] };
/** What the planner answers: keys by response key, `og__subject` beside classified data, `__typename` where abstract. */
const data = {
  homes: [
    {
      id: "h1",
      name: "静安一院",
      code: "A1",
      followUps: [
        {
          scheduledAt: "2026-12-01",
          notes: "血压 150/95",
          tags: ["bp", null],
          resident: { ...alice, [SUBJECT_ALIAS]: alice.id },
          [SUBJECT_ALIAS]: { id: alice.id },
        },
        {
          scheduledAt: "2026-12-02",
          notes: null,
          tags: null,
          resident: { ...bob, [SUBJECT_ALIAS]: bob.id },
          [SUBJECT_ALIAS]: { id: bob.id },
        },
      ],
      other: { name: "first" },
    },
    { id: "h2", name: null, code: "B2", followUps: [], other: { name: "second" } },
  ],
  home: { id: "h3", name: "临汾", code: "C3", followUps: null },
  node: { __typename: "Resident", ...alice, [SUBJECT_ALIAS]: alice.id },
  things: [
    { __typename: "Home", id: "h1", name: "静安一院", code: "A1" },
    { __typename: "Resident", ...bob, [SUBJECT_ALIAS]: bob.id },
    null,
  ],
  residents: [
    { ...alice, [SUBJECT_ALIAS]: alice.id },
    { ...bob, idNumber: null, [SUBJECT_ALIAS]: bob.id },
  ],
};

const DOCUMENTS = [
  `{ homes { id name followUps { scheduledAt notes tags resident { name idNumber phones } } } }`,
  `query Q($skip: Boolean = true) {
     homes { n: name name @skip(if: $skip) ...H followUps { ... on FollowUp { notes } resident { id ...R } } }
     home(id: "h3") { ...H followUps { notes } }
   }
   fragment H on Home { code id name }
   fragment R on Resident { name idNumber }`,
  `{ node { id __typename ... on Resident { name idNumber } ... on Home { code } }
     things { __typename ... on Node { id } ... on Home { name } ... on Resident { phones name } } }`,
  `{ residents { id idNumber name } homes { code } }`,
  `{ homes { followUps { resident { idNumber } } } }`,
];

/** Every coordinate a test decision can name, with the classification it carries. */
const CLASSIFIED: Record<string, { mask: MaskStrategy | null; category: string }> = {
  "FollowUp.notes": { mask: "free-text", category: "health" },
  "Resident.name": { mask: "name", category: "identity" },
  "Resident.idNumber": { mask: "id-card", category: "identity" },
  "Resident.phones": { mask: "phone", category: "contact" },
  "Home.name": { mask: null, category: "facility" },
};

interface Decisions {
  denied?: string[];
  masked?: string[];
}

function authorizationOf(view: OperationView, decisions: Decisions): OperationAuthorization {
  const deniedNodes = new Map<FieldNode, FieldDecision>();
  const maskedNodes = new Map<FieldNode, ClassifiedField>();
  const classified = new Map<string, ClassifiedField>();
  for (const field of view.fields) {
    const coordinate = field.coordinate;
    const denied = decisions.denied?.includes(coordinate) ?? false;
    if (denied) {
      deniedNodes.set(field.node, {
        path: [...field.path],
        coordinate,
        allowed: false,
        rule: "@policy(test)",
        reason: "a test denies it",
      });
    }
    const classification = CLASSIFIED[coordinate];
    if (!classification) continue;
    const masked = !denied && (decisions.masked?.includes(coordinate) ?? false);
    const entry: ClassifiedField = {
      coordinate,
      level: "personal",
      category: classification.category,
      mask: classification.mask,
      decision: denied ? "denied" : masked ? "masked" : "allowed",
    };
    if (masked) maskedNodes.set(field.node, entry);
    classified.set(`${coordinate}:${entry.decision}`, entry);
  }
  return {
    decisions: [],
    denied: [...deniedNodes.values()],
    deniedNodes,
    policyRevision: 1,
    maskedNodes,
    classified: [...classified.values()],
  };
}

/** The same answer by graphql-js `execute`: values by response key, denied fields throw, masked leaves masked. */
function executed(view: OperationView, authorization: OperationAuthorization, withhold: boolean): string {
  const classifiedCoordinates = new Set(authorization.classified.map((field) => field.coordinate));
  const resolver: GraphQLFieldResolver<Record<string, unknown>, unknown> = (source, _args, _context, info) => {
    const deniedNode = info.fieldNodes.find((node) => authorization.deniedNodes.has(node));
    if (deniedNode) {
      const decision = authorization.deniedNodes.get(deniedNode) as FieldDecision;
      throw new GraphQLError(
        `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
        { extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate } },
      );
    }
    if (withhold && classifiedCoordinates.has(`${info.parentType.name}.${info.fieldName}`)) return null;
    const value = source[info.path.key as string];
    const maskedNode = info.fieldNodes.find((node) => authorization.maskedNodes.has(node));
    const mask = maskedNode && authorization.maskedNodes.get(maskedNode)?.mask;
    return mask ? maskValue(value, mask) : value;
  };
  const result = execute({
    schema,
    document: view.document,
    rootValue: data,
    variableValues: view.variables,
    fieldResolver: resolver,
  }) as { data?: unknown; errors?: ReadonlyArray<InstanceType<typeof GraphQLError>> };
  // Null propagation errors are the planner's to report (they are in the planner's result already), not shaping's.
  const errors = (result.errors ?? []).filter((error) => !error.message.startsWith("Cannot return null"));
  return JSON.stringify({ data: result.data, ...(errors.length > 0 ? { errors } : {}) });
}

function shaped(view: OperationView, authorization: OperationAuthorization, withhold: boolean) {
  return shapeToOperation(view, { data }, authorization, { withhold });
}

const DECISIONS: Decisions[] = [
  {},
  { masked: ["FollowUp.notes", "Resident.name", "Resident.idNumber", "Resident.phones"] },
  { denied: ["Resident.idNumber"], masked: ["Resident.name"] },
  { denied: ["Home.code", "FollowUp.notes"], masked: ["Resident.phones"] },
  { denied: ["Query.home", "Resident.name"] },
];

describe("shaping the planner's result to the client's operation", () => {
  it("answers exactly as graphql-js execute would: keys, order, propagation, masks, and denied fields' errors", () => {
    let compared = 0;
    for (const source of DOCUMENTS) {
      const view = buildOperationView({ schema, document: parse(source) });
      for (const decisions of DECISIONS) {
        const authorization = authorizationOf(view, decisions);
        for (const withhold of [false, true]) {
          const ours = JSON.stringify(shaped(view, authorization, withhold).result);
          expect(ours, `${source} ${JSON.stringify(decisions)} withhold=${withhold}`).toBe(
            executed(view, authorization, withhold),
          );
          compared += 1;
        }
      }
    }
    expect(compared).toBe(DOCUMENTS.length * DECISIONS.length * 2);
  });

  it("names each denied field's path, list indices included, and nulls a non-null field's parent", () => {
    const document = parse('{ home(id: "h3") { code name } residents { idNumber id } }');
    const view = buildOperationView({ schema, document });
    const { result } = shaped(view, authorizationOf(view, { denied: ["Home.code", "Resident.idNumber"] }), false);
    expect(result.data).toEqual({ home: null, residents: null });
    const errors = (result as { errors?: Array<{ path: unknown }> }).errors;
    expect(errors?.map((error) => error.path)).toEqual([
      ["home", "code"],
      ["residents", 0, "idNumber"],
    ]);
  });

  it("collects each resident once, only where a classified field came back, and none when withheld", () => {
    const document = parse("{ homes { followUps { notes resident { id } } } residents { id name } }");
    const view = buildOperationView({ schema, document });
    const authorization = authorizationOf(view, { masked: ["FollowUp.notes"] });
    // FollowUp.notes: alice's came back, bob's is null; Resident.name: both came back.
    expect([...shaped(view, authorization, false).subjects]).toEqual(["resident-1", "resident-2"]);
    const notesOnly = buildOperationView({ schema, document: parse("{ homes { followUps { notes } } }") });
    expect([...shaped(notesOnly, authorizationOf(notesOnly, {}), false).subjects]).toEqual(["resident-1"]);
    expect([...shaped(view, authorization, true).subjects]).toEqual([]);
  });

  it("shapes a plan's unshaped data exactly as Apollo's computeResponse: values, nulls, and its completion errors", () => {
    const federationSchema = federation.buildSchema(SDL);
    /** Data a subgraph could send that does not fit the schema: wrong leaf types, an unknown enum value and type. */
    const broken = {
      ...data,
      homes: [
        { ...data.homes[0], level: "MEDIUM", beds: 12.5 },
        { ...data.homes[1], code: 42, level: "LOW", beds: "7" },
      ],
      home: { ...data.home, level: true, beds: 3 },
      things: [{ __typename: "Nope", id: "x" }, ...data.things],
      node: { ...data.node, id: 17 },
    };
    const documents = [
      ...DOCUMENTS,
      `{ homes { id code level beds } home(id: "h3") { level beds } things { ... on Home { id level } } node { id } }`,
      `{ homes { followUps { tags } } a: residents { n: name } b: residents { idNumber } }`,
    ];
    let compared = 0;
    for (const source of documents) {
      const document = parse(source);
      const view = buildOperationView({ schema, document });
      const operation = federation.operationFromDocument(federationSchema, document, {});
      for (const input of [data, broken]) {
        const apollo = computeResponse({ operation, variables: {}, input, introspectionHandling: () => null });
        const expected = {
          data: apollo.data,
          ...(apollo.errors.length > 0 ? { extensions: { valueCompletion: apollo.errors } } : {}),
        };
        const ours = shapeToOperation(view, { data: input }, authorizationOf(view, {}), { complete: true }).result;
        expect(JSON.stringify(ours), source).toBe(JSON.stringify(expected));
        compared += apollo.errors.length;
      }
    }
    // Completion errors were compared, not only data: the broken values, and residents[1]'s null idNumber.
    expect(compared).toBe(8);
  });

  it("reports no completion error where a fetch failed or a field was denied, as Apollo", () => {
    const document = parse('{ residents { idNumber } home(id: "h3") { code } }');
    const view = buildOperationView({ schema, document });
    const failed = new GraphQLError("identity is unavailable", { path: ["residents"] });
    const withFetchError = shapeToOperation(view, { data, errors: [failed] }, authorizationOf(view, {}), {
      complete: true,
    }).result as { errors?: unknown[]; extensions?: unknown; data: unknown };
    expect(withFetchError.data).toEqual({ residents: null, home: { code: "C3" } });
    expect(withFetchError.errors).toEqual([failed]);
    expect(withFetchError.extensions).toBeUndefined();
    const denied = shapeToOperation(view, { data }, authorizationOf(view, { denied: ["Home.code"] }), {
      complete: true,
    }).result as { errors?: Array<{ extensions: { code: string } }>; extensions?: { valueCompletion: unknown[] } };
    expect(denied.errors?.map((error) => error.extensions.code)).toEqual(["FIELD_NOT_AUTHORIZED"]);
    // residents[1].idNumber is null in a non-null position: a completion error; home.code's null is the denial's.
    expect(denied.extensions?.valueCompletion).toHaveLength(1);
  });

  it("returns the planner's result untouched when the operation has no root type", () => {
    const view = { ...buildOperationView({ schema, document: parse("{ homes { id } }") }), rootType: undefined };
    const partial = { data: { homes: [] } };
    expect(shapeToOperation(view, partial, authorizationOf(view, {})).result).toBe(partial);
  });
});
