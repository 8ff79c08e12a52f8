/**
 * Reading a payload another service sent, against its contract (one schema in lib/contracts, imported by both ends).
 * A payload that does not match is refused whole, with an error naming the contract, where it broke and why — never
 * the values, which may be personal data or session ids.
 */
import type { z } from "zod";
import type { Logger } from "../log.ts";

/** A payload that does not match its contract; the receiver keeps what it had. */
export class PayloadRefused extends Error {
  constructor(
    /** The contract, e.g. `policy set` (GET /access/policies). */
    readonly contract: string,
    /** Path of the first problem, e.g. `policies.3.version`, or `(body)`. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`The ${contract} payload does not match its contract at ${where}: ${problem}.`);
    this.name = "PayloadRefused";
  }
}

/** The first issue of a failed parse: where (a dotted path, `(body)` for the whole) and what. */
export function firstIssue(error: z.ZodError): { where: string; problem: string } {
  const issue = error.issues[0];
  return { where: issue?.path.join(".") || "(body)", problem: issue?.message ?? "unknown problem" };
}

/** Parses a payload with its contract's schema, or throws `PayloadRefused`. */
export function parsePayload<S extends z.ZodType>(contract: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { where, problem } = firstIssue(parsed.error);
  throw new PayloadRefused(contract, where, problem);
}

/** Reads a response body as JSON and parses it with its contract's schema, or throws `PayloadRefused`. */
export async function readPayload<S extends z.ZodType>(
  contract: string,
  schema: S,
  response: { text(): Promise<string> },
): Promise<z.output<S>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PayloadRefused(contract, "(body)", "not valid JSON");
  }
  return parsePayload(contract, schema, body);
}

/**
 * What a poller reports to its `onError`, as log lines: a payload that breaks its contract means the two ends disagree —
 * a warning naming the contract, where and what (never the values), at most once per `quietMs` per poller, since a
 * broken payload is polled again every second or two; any other failure (unreachable, an error status) is routine
 * and goes to debug. Either way the poller keeps its last good copy.
 */
export function pollFailureLogger(
  log: Logger,
  what: string,
  { quietMs = 60_000, now = Date.now }: { quietMs?: number; now?: () => number } = {},
): (error: unknown) => void {
  let warnedAt = Number.NEGATIVE_INFINITY;
  return (error) => {
    if (error instanceof PayloadRefused && now() - warnedAt >= quietMs) {
      warnedAt = now();
      log.warn(
        { contract: error.contract, where: error.where, problem: error.problem },
        `${what} payload refused: it does not match its contract; the last good one stays in force`,
      );
    } else {
      log.debug({ err: error }, `${what} not refreshed`);
    }
  };
}
