/**
 * The answer check of `npm run bench`: the same operation's answers through ours, plain Apollo and Hive Gateway,
 * compared as canonical JSON before anything is measured (a benchmark of different answers compares nothing).
 */

export interface Answer {
  /** The body as received. */
  raw: string;
  /** The body parsed. */
  body: unknown;
}

/** JSON with object keys sorted, so that only values and array order count. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export interface Difference {
  path: string;
  a: unknown;
  b: unknown;
}

/** The first object whose keys come in another order (same keys, same values), as `path: a,b ≠ b,a`. */
export function keyOrderDifference(a: unknown, b: unknown, path = ""): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < a.length; i += 1) {
      const found = keyOrderDifference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) return `${path || "."}: ${ka.join(",")} ≠ ${kb.join(",")}`;
    for (const key of ka) {
      const found = keyOrderDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (found) return found;
    }
  }
  return null;
}

/** Every place two parsed answers differ (object keys compared as sets, arrays by index). */
export function differences(a: unknown, b: unknown, path = "", out: Difference[] = []): Difference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push({ path: `${path}.length`, a: a.length, b: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) differences(a[i], b[i], `${path}[${i}]`, out);
  } else if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a) || !(key in b)) out.push({ path: `${path}.${key}`, a: a[key], b: b[key] });
      else differences(a[key], b[key], `${path}.${key}`, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ path, a, b });
  }
  return out;
}

/**
 * Checks one operation's answers through the three gateways: returns a line for the report, throws with the
 * differing paths and values if they are not the same answer. Plain and hive must be identical. Ours must be
 * identical to them too, except at the fields in `maskedByUs` (paths without list indexes, `followUps.notes`), where
 * ours must hold a mask (a string with `*`) and the peer a string: the same answer, masked.
 */
export function compareAnswers(
  operation: { name: string; maskedByUs?: string[] },
  answers: { ours: Answer; plain: Answer; hive: Answer },
): string {
  const { ours } = answers;
  const notes: string[] = [];
  const failures: string[] = [];
  const show = (list: Difference[]) =>
    list
      .slice(0, 10)
      .map((d) => `    ${d.path}: ${JSON.stringify(d.a)} ≠ ${JSON.stringify(d.b)}`)
      .join("\n") + (list.length > 10 ? `\n    … ${list.length - 10} more` : "");
  for (const peer of ["plain", "hive"] as const) {
    const theirs = answers[peer];
    if (canonical(theirs.body) === canonical(ours.body)) {
      const order = theirs.raw === ours.raw ? "" : keyOrderDifference(ours.body, theirs.body);
      notes.push(order ? `${peer} identical but for key order (${order})` : `${peer} identical`);
      continue;
    }
    const diff = differences(ours.body, theirs.body);
    const allowed = operation.maskedByUs ?? [];
    const masked = (d: Difference) =>
      allowed.some((field) => d.path.replace(/\[\d+\]/g, "").endsWith(`.${field}`)) &&
      typeof d.a === "string" &&
      d.a.includes("*") &&
      typeof d.b === "string";
    const unexpected = diff.filter((d) => !masked(d));
    if (unexpected.length > 0) {
      failures.push(`  ours ≠ ${peer} (${unexpected.length} differences, ours first):\n${show(unexpected)}`);
    } else {
      notes.push(`${peer} identical except ${diff.length} fields ours masks (${allowed.join(", ")})`);
    }
  }
  if (operation.maskedByUs && !notes.some((note) => note.includes("fields ours masks"))) {
    notes.push("WARNING: nothing masked, so masking is not measured (no classified value in the answer?)");
  }
  if (canonical(answers.plain.body) !== canonical(answers.hive.body)) {
    failures.push(`  plain ≠ hive (plain first):\n${show(differences(answers.plain.body, answers.hive.body))}`);
  }
  if (failures.length > 0) throw new Error(`answers differ for "${operation.name}":\n${failures.join("\n")}`);
  return `${operation.name}: ${notes.join("; ")}`;
}
