/**
 * The one registry of error codes that clients can see. Each code has an HTTP status (for errors that end a
 * request before execution) and a one-sentence description; `docs/errors.md` is generated from this table by
 * `npm run docs:errors`. Messages are full sentences that tell the caller what to change.
 *
 * Anything thrown that is not a `GraphQLError` carrying one of these codes is masked as INTERNAL_SERVER_ERROR.
 */
import { GraphQLError } from "graphql";

export const errorCodes = {
  BAD_REQUEST: { status: 400, description: "The HTTP request is not a GraphQL request this server accepts." },
  INVALID_JSON: { status: 400, description: "The request body is not valid JSON." },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: "POST requests must send `Content-Type: application/json` with a GraphQL request body.",
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: "The request body is larger than the server accepts." },
  METHOD_NOT_ALLOWED: { status: 405, description: "Only GET (queries) and POST are accepted on /graphql." },
  NOT_FOUND: { status: 404, description: "No such path; GraphQL is served at /graphql." },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    description: "Browser requests are accepted only from the origins the gateway is configured to allow (CORS).",
  },
  GRAPHQL_PARSE_FAILED: { status: 400, description: "The GraphQL document has a syntax error." },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    description: "The operation does not match the schema (unknown field, wrong argument type …).",
  },
  BAD_USER_INPUT: { status: 400, description: "An argument value is invalid; the message says which and why." },
  OPERATION_RESOLUTION_FAILURE: {
    status: 400,
    description: "The request names an operation the document does not contain, or several without choosing.",
  },
  OPERATION_LIMIT_EXCEEDED: {
    status: 400,
    description:
      "The operation is too deep, too wide or too expensive; extensions name the limit, its maximum and the measured value.",
  },
  OPERATION_NOT_SUPPORTED: {
    status: 400,
    description: "The operation type is not served here (subscriptions); send a query or a mutation.",
  },
  ERRORS_OMITTED: {
    status: 400,
    description:
      "The answer lists at most ten errors (identical ones once); this last entry says how many more were found. Fix the listed ones and send again.",
  },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, description: "Automatic persisted queries are not enabled." },
  INVALID_CURSOR: { status: 400, description: "A pagination cursor was not issued by this list; start without it." },
  PAGE_SIZE_OUT_OF_RANGE: { status: 400, description: "`first` must be between 1 and the list's maximum page size." },
  AUTHENTICATION_REQUIRED: {
    status: 401,
    description: "The operation reads fields that are not public; send a bearer token (log in) and retry.",
  },
  INVALID_TOKEN: {
    status: 401,
    description: "The bearer token was refused (signature, issuer, audience, time or revocation); log in again.",
  },
  ENVELOPE_INVALID: {
    status: 401,
    description: "Subgraphs answer only requests signed by the gateway; send the request to the gateway instead.",
  },
  ENVELOPE_NOT_BOUND: {
    status: 401,
    description:
      "The gateway's envelope was signed for another request (method, path or body): an envelope is valid only on the request it was signed for.",
  },
  ENVELOPE_REPLAYED: {
    status: 401,
    description:
      "The gateway's envelope was already used: each envelope is accepted once; the gateway signs a new one per request.",
  },
  ENVELOPE_SCOPE_MISSING: {
    status: 403,
    description:
      "The envelope's system principal lacks the scope this route requires (e.g. audit:write); each gateway caller is signed with only its own scope.",
  },
  ENVELOPE_STORE_UNAVAILABLE: {
    status: 503,
    description:
      "The service could not check that the envelope was not used before (its nonce store is unreachable or full), so it refused the request; retry shortly.",
  },
  INVALID_CREDENTIALS: { status: 401, description: "The username or password (or client secret) is wrong." },
  FORBIDDEN: {
    status: 403,
    description: "The caller's role does not allow this operation; the message names the role needed.",
  },
  DATA_RESOURCE_NOT_OWNED: {
    status: 403,
    description:
      "Only officers of the department that owns a catalogue entry (数据责任部门), or a security administrator, may change it or record its refreshes; ask the owning department named in the message.",
  },
  PURPOSE_NOT_ALLOWED: {
    status: 403,
    description:
      "The declared purpose (x-og-purpose) is not one the caller may declare: unknown, disabled, or not registered for the caller's kind, role or department. Remove it, or ask a security administrator.",
  },
  CASE_REFERENCE_REQUIRED: {
    status: 400,
    description: "The declared purpose requires a case reference: send it in x-og-case (e.g. WJW-2026-000123).",
  },
  CASE_REFERENCE_INVALID: {
    status: 400,
    description:
      "The case reference (x-og-case) is malformed or sent without a purpose: capitals, digits and dashes like WJW-2026-000123, with x-og-purpose.",
  },
  OPERATION_NOT_TRUSTED: {
    status: 403,
    description:
      "The application may run only registered operations (trusted documents), and this one is not registered for it: send the registered document or its extensions.persistedQuery.sha256Hash, or register the operation first.",
  },
  TRUSTED_DOCUMENT_INVALID: {
    status: 400,
    description:
      "An operation offered for registration at the registry does not parse, is anonymous, repeats an operation name, or does not validate against the graph's current supergraph; `problems` lists each and nothing was registered.",
  },
  FIELD_NOT_AUTHORIZED: {
    status: 200,
    description:
      "A field was removed from the answer (null) because a schema requirement or access policy denies it to the caller; `rule` names it and the message says what would allow it. The rest of the answer still arrives.",
  },
  OPERATION_NOT_AUTHORIZED: {
    status: 403,
    description:
      "The gateway runs in reject mode and the operation selects fields the caller may not read; the message lists them with the rule that denied each.",
  },
  POLICY_INVALID: {
    status: 400,
    description:
      "An access policy draft does not follow the policy language (docs/authorization.md); the message names the problem.",
  },
  ACCOUNT_LOCKED: {
    status: 423,
    description:
      "The account is locked after repeated failed logins; wait for Retry-After or ask a security administrator.",
  },
  LOGIN_THROTTLED: {
    status: 429,
    description: "Too many failed logins for this account or address; wait the seconds given in Retry-After.",
  },
  RATE_LIMITED: {
    status: 429,
    description:
      "The caller sent more requests than its rate limit allows (per app, per user, or per address without a token); the message names the limit, and Retry-After and RateLimit-* say when to retry.",
  },
  QUOTA_EXCEEDED: {
    status: 429,
    description:
      "The caller's daily budget of estimated operation cost is spent; the message names the budget and when it resets (midnight, Asia/Shanghai), as does Retry-After.",
  },
  RATE_LIMIT_UNAVAILABLE: {
    status: 503,
    description:
      "A limit that fails closed could not be checked because its store (Redis) is unreachable; retry after the seconds in Retry-After.",
  },
  NOT_FOUND_ENTITY: { status: 404, description: "A record named by an argument does not exist." },
  SLOT_FULL: { status: 409, description: "The appointment slot has no places left; choose another slot." },
  SLOT_IN_PAST: { status: 409, description: "The appointment slot has already started; choose a future slot." },
  ALREADY_BOOKED: { status: 409, description: "The resident already holds an appointment in this slot." },
  APPOINTMENT_NOT_CANCELLABLE: {
    status: 409,
    description: "The appointment is already cancelled or its slot has started.",
  },
  BOOKING_OVERLAP: {
    status: 409,
    description: "The requested time overlaps an existing booking; choose another time or venue.",
  },
  CAPACITY_REACHED: {
    status: 409,
    description: "No places are left; choose another session, or join the waiting list where there is one.",
  },
  DATE_IN_PAST: { status: 400, description: "The date or time has already passed; choose a future one." },
  INVALID_STATE_TRANSITION: {
    status: 409,
    description:
      "The record's current status does not allow this change; the message names the status and what is allowed.",
  },
  UPSTREAM_UNAVAILABLE: {
    status: 502,
    description:
      "A legacy system behind a department's service failed or was too slow; its fields are null, the rest arrived.",
  },
  SUBGRAPH_UNAVAILABLE: {
    status: 502,
    description:
      "A department's service did not answer; the fields it owns are null and the rest of the answer arrived.",
  },
  AUDIT_UNAVAILABLE: {
    status: 503,
    description:
      "The operation reads classified data, and the audit service did not confirm its record within the request's deadline; the classified fields were withheld (null). Retry shortly.",
  },
  SCHEMA_CHECK_FAILED: {
    status: 422,
    description:
      "The schema registry refused a subgraph version: it does not compose, breaks a platform rule, or breaks a field that apps used recently; `report.problems` says which and what to change.",
  },
  MANIFEST_INVALID: {
    status: 422,
    description:
      "The department manifest sent with a registration or publish does not match the manifest contract (lib/contracts/departmentManifest.ts) or breaks its naming rules; `problems` lists each field and what to change.",
  },
  MANIFEST_NOT_OWNED: {
    status: 409,
    description:
      "The department manifest claims a scope, role, policy, purpose or data-catalogue entry another department owns, or is sent for another department; the message names the owner.",
  },
  MANIFEST_DELIVERY_FAILED: {
    status: 502,
    description:
      "The registry could not deliver the department manifest to identity or catalog; the version was not activated (nothing was half-applied). Publish again once the service named in the message answers.",
  },
  OPERATION_DELIVERY_FAILED: {
    status: 502,
    description:
      "The registry checked the operations but could not register them at identity (not configured, or identity did not answer); nothing was registered. Register again once identity answers.",
  },
  REGISTRY_NOT_CONFIGURED: {
    status: 503,
    description:
      "This gateway has no schema registry configured (REGISTRY_URL), so it cannot pass on the registry's routes under /registry/; use the registry's own address, or ask the operator to set REGISTRY_URL.",
  },
  REGISTRY_UNAVAILABLE: {
    status: 502,
    description:
      "The schema registry behind the gateway's /registry/ routes did not answer in time; nothing was registered by this request. Send it again shortly.",
  },
  SUPERGRAPH_NOT_LOADED: { status: 503, description: "The gateway has no valid supergraph loaded yet; retry shortly." },
  NO_GATEWAY_REPLICA: {
    status: 503,
    description:
      "The load balancer of `npm run start:replicas` has no gateway replica ready (all are starting or stopping); send the request again shortly.",
  },
  GATEWAY_REPLICA_FAILED: {
    status: 502,
    description:
      "The gateway replica that accepted the request failed before answering (reset or timed out); the request may have run, so the load balancer did not send it elsewhere.",
  },
  SHUTTING_DOWN: {
    status: 503,
    description:
      "This gateway replica is shutting down and did not run the request; send it again (another replica answers). The answer carries `Retry-After` and closes the connection.",
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    description: "An unexpected failure; the details are in the server log under the request id.",
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(errorCodes, code);
}

/** Creates a client-visible GraphQL error with a registered code. */
export function codedError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The JSON body for errors that end an HTTP request before GraphQL execution. */
export function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] });
}
