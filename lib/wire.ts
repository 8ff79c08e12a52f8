/**
 * The wire contract between the gateway and the subgraphs: header names, in one module that both ends import.
 */
export const REQUEST_ID_HEADER = "x-request-id";

/** Request ids from clients are accepted only in this shape; anything else is replaced by a fresh id. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(value: string | string[] | undefined, fresh: () => string): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate && REQUEST_ID.test(candidate) ? candidate : fresh();
}
