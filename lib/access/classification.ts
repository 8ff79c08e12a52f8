/**
 * Data classification (分类分级, Data Security Law art. 21) and masking (安全防护, issue #6 item 4).
 *
 * Subgraphs mark fields with the composed directive
 * `@classified(level: "sensitive", category: "identity", mask: "id-card")`:
 *
 * - `level` — `internal`, `personal` or `sensitive` (PIPL art. 28: health, minors, whereabouts, identity numbers);
 * - `category` — what kind of data it is (`identity`, `contact`, `health`, `minors`, `whereabouts`, …);
 * - `mask` — how the gateway shows the value to a principal without clear view: `id-card`, `phone`, `name`,
 *   `address`, `free-text`; no mask means the field is shown as is (but still audited).
 *
 * On a type it classifies every field of the type (without a mask). Clear view of a masked field is granted by the
 * access policy `clear-<category>` (policies as data, lib/access/policyRules.ts): no such policy, no clear view. The
 * gateway masks after the subgraphs answered, so no department can forget to.
 */
import { createRequire } from "node:module";
import type { ConstDirectiveNode, ObjectTypeDefinitionNode } from "graphql";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { Kind, parse } = graphqlCjs;

export const CLASSIFIED_DIRECTIVE = "classified";
export const MASKS = ["id-card", "phone", "name", "address", "free-text"] as const;
export type MaskStrategy = (typeof MASKS)[number];

export interface Classification {
  level: string;
  category: string;
  mask: MaskStrategy | null;
}

/** `Type.field` → classification, from a composed supergraph (type marks expanded to the type's fields). */
export function classificationOf(supergraphSdl: string): Map<string, Classification> {
  const result = new Map<string, Classification>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition as ObjectTypeDefinitionNode;
    const typeMark = readMark(type.directives ?? []);
    for (const field of type.fields ?? []) {
      const mark = readMark(field.directives ?? []) ?? (typeMark ? { ...typeMark, mask: null } : null);
      if (mark) result.set(`${type.name.value}.${field.name.value}`, mark);
    }
  }
  return result;
}

function readMark(directives: readonly ConstDirectiveNode[]): Classification | null {
  const directive = directives.find((d) => d.name.value === CLASSIFIED_DIRECTIVE);
  if (!directive) return null;
  const argument = (name: string) => {
    const value = directive.arguments?.find((a) => a.name.value === name)?.value;
    return value && (value.kind === Kind.STRING || value.kind === Kind.ENUM) ? value.value : null;
  };
  const mask = argument("mask");
  return {
    level: argument("level") ?? "personal",
    category: argument("category") ?? "personal",
    // A mask this gateway does not know (a typo, a newer strategy) hides the whole value rather than none of it.
    mask: mask === null ? null : (MASKS as readonly string[]).includes(mask) ? (mask as MaskStrategy) : "free-text",
  };
}

/** The policy that grants clear view of a category's masked fields. */
export function clearViewPolicy(category: string): string {
  return `clear-${category}`;
}

/** Masks one value; lists are masked element by element, anything but strings becomes null. */
export function maskValue(value: unknown, mask: MaskStrategy): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, mask));
  if (typeof value !== "string") return null;
  if (mask === "free-text") return "****";
  // Lengths and cuts count characters (code points), so a character outside the BMP is never split in half. Without
  // surrogates a code unit is a character and the string is cut as it is (issue 16: no array of characters per value).
  return SURROGATE.test(value) ? maskCharacters([...value], mask) : maskCharacters(value, mask);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** `stars(n)`: n asterisks; the usual lengths made once (issue 16: `repeat` was a tenth of a masked read's allocation). */
const STARS = Array.from({ length: 33 }, (_, n) => "*".repeat(n));
const stars = (n: number): string => STARS[n] ?? "*".repeat(n);

/** `chars`: the value's characters, as a string without surrogates or as an array of code points. */
function maskCharacters(chars: string | string[], mask: Exclude<MaskStrategy, "free-text">): string {
  const length = chars.length;
  switch (mask) {
    case "id-card":
      // 310101199001011234 → 310***********1234 (region code and check digits only).
      return length <= 7 ? stars(length) : cut(chars, 0, 3) + stars(length - 7) + cut(chars, length - 4);
    case "phone":
      // 13812345678 → 138****5678
      return length <= 7 ? stars(length) : cut(chars, 0, 3) + stars(length - 7) + cut(chars, length - 4);
    case "name":
      // 张伟 → 张*, 欧阳娜娜 → 欧***
      return length <= 1 ? "*" : cut(chars, 0, 1) + stars(length - 1);
    case "address":
      // 上海市静安区临汾路380弄12号 → 上海市静安区****
      return length <= 6 ? stars(length) : `${cut(chars, 0, 6)}****`;
  }
}

/** Characters `start` to `end` (exclusive; the rest when absent). A module function: no closure per masked value. */
function cut(chars: string | string[], start: number, end?: number): string {
  return typeof chars === "string" ? chars.slice(start, end) : chars.slice(start, end).join("");
}
