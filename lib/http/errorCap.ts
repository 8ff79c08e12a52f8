/**
 * One answer carries a bounded number of errors, so a hostile document that repeats a mistake (ten unknown
 * directives, sixty copies of `@skip` on one field) cannot make the answer grow with the attack:
 *
 * - identical errors (same message, code and path) are reported once, with their locations merged — a directive
 *   repeated at one location is one error, not one per copy;
 * - at most `MAX_ERRORS` errors are listed; the rest are summarised in one last error, ERRORS_OMITTED, that says how
 *   many were left out.
 *
 * Applied by the gateway to every answer (`useErrorCap`) and by the HTTP edge to the request errors of every service
 * that uses it (lib/http/graphqlHttp.ts).
 */
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";

export const MAX_ERRORS = 10;
const MAX_LOCATIONS = 10;

/** The errors to send: duplicates merged, at most `max` of them plus one ERRORS_OMITTED entry. */
export function capErrors(errors: readonly GraphQLFormattedError[], max: number = MAX_ERRORS): GraphQLFormattedError[] {
  const merged = new Map<string, GraphQLFormattedError>();
  /** Errors an earlier cap already left out (the gateway caps, then its HTTP edge sees the capped answer). */
  let omittedBefore = 0;
  for (const error of errors) {
    if (error.extensions?.code === "ERRORS_OMITTED") {
      omittedBefore += Number(error.extensions.omitted) || 0;
      continue;
    }
    const key = JSON.stringify([error.message, error.extensions?.code ?? null, error.path ?? null]);
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, error);
      continue;
    }
    if (error.locations && (seen.locations?.length ?? 0) < MAX_LOCATIONS) {
      const locations = [...(seen.locations ?? [])];
      for (const location of error.locations) {
        if (!locations.some((l) => l.line === location.line && l.column === location.column)) locations.push(location);
      }
      merged.set(key, { ...seen, locations: locations.slice(0, MAX_LOCATIONS) });
    }
  }
  const distinct = [...merged.values()];
  const omitted = Math.max(0, distinct.length - max) + omittedBefore;
  if (omitted === 0) return distinct.length === errors.length ? [...errors] : distinct;
  return [
    ...distinct.slice(0, max),
    {
      message: `${omitted} more error${omitted === 1 ? " was" : "s were"} omitted; fix the ones listed and send the request again.`,
      extensions: { code: "ERRORS_OMITTED", omitted },
    },
  ];
}

/** Apollo Server plugin: caps the errors of every single-result answer. */
export function useErrorCap<TContext extends BaseContext>(max: number = MAX_ERRORS): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors;
          if (!errors || errors.length < 2) return;
          response.body.singleResult.errors = capErrors(errors, max);
        },
      };
    },
  };
}

/**
 * For a finished JSON answer (the HTTP edge, where Apollo has already serialised it): the same cap, or null when the
 * body needs no change. Only request errors (no `data`) are rewritten; execution errors are bounded by the result.
 */
export function capErrorsInBody(body: string, max: number = MAX_ERRORS): string | null {
  let parsed: { errors?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return null;
  }
  if (!parsed || !Array.isArray(parsed.errors) || parsed.errors.length <= 1 || "data" in parsed) return null;
  const capped = capErrors(parsed.errors as GraphQLFormattedError[], max);
  if (capped.length === parsed.errors.length && capped.every((e, i) => e === (parsed.errors as unknown[])[i])) {
    return null;
  }
  if (JSON.stringify(capped) === JSON.stringify(parsed.errors)) return null;
  return JSON.stringify({ ...parsed, errors: capped });
}
