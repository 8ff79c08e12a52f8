/**
 * The kit's signed route (subgraphs/kit/signedRoute.ts) on in-memory requests: the envelope, its binding to the
 * method, path and body bytes, its scope, and the body reader's limits, each before the handler runs.
 */
import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log.ts";
import { createEnvelopeVerifier, SYSTEM_SCOPES, type SystemScope } from "../../lib/wire.ts";
import { createEnvelopeGuard } from "../../subgraphs/kit/envelopeGuard.ts";
import { createMemoryNonceStore } from "../../subgraphs/kit/nonceStore.ts";
import { RouteRefusal, type SignedRequest, signedRoute } from "../../subgraphs/kit/signedRoute.ts";
import { gatewayCaller, signedHeaders, testEnvelopeKeys } from "../support/envelope.ts";
import { inMemoryRequest, recordingResponse } from "../support/inMemoryHttp.ts";

const PATH = "/audit/records";
const envelopes = () =>
  createEnvelopeGuard({
    verify: createEnvelopeVerifier([testEnvelopeKeys.publicKey], "audit"),
    nonces: createMemoryNonceStore(),
    log: createLogger({ service: "test", level: "silent" }),
  });

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Runs the route on one request and collects its answer. */
async function call(
  route: ReturnType<typeof signedRoute>,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const req = inMemoryRequest({ method: init.method ?? "POST", url: PATH, headers: init.headers });
  req.end(init.body ?? "");
  const { res, answer: recorded, ended } = recordingResponse();
  await Promise.race([
    ended,
    Promise.resolve(route(req, res)).then(async () => {
      if (!recorded.ended) throw new Error("the route returned without answering");
      await ended;
    }),
  ]);
  const answer: Answer = { status: recorded.status, headers: recorded.headers, body: undefined };
  const text = recorded.body;
  answer.body = text ? JSON.parse(text) : undefined;
  return answer;
}

function signed(body: string, scope: SystemScope = SYSTEM_SCOPES.auditWrite, method = "POST") {
  return {
    "content-type": "application/json",
    ...signedHeaders("audit", { method, path: PATH, body }, { principal: gatewayCaller(scope) }),
  };
}

function ingest(handled: SignedRequest[]) {
  return signedRoute(
    envelopes(),
    { method: "POST", scope: SYSTEM_SCOPES.auditWrite, what: "audit ingest", maxBodyBytes: 64 },
    async (request) => {
      handled.push(request);
      if ((request.body as { records?: unknown }).records === undefined) {
        throw new RouteRefusal("BAD_USER_INPUT", "Send { records: [...] }.");
      }
      request.res.statusCode = 200;
      request.res.end("{}");
    },
  );
}

describe("signedRoute", () => {
  it("hands the handler the verified principal and the parsed body", async () => {
    const handled: SignedRequest[] = [];
    const body = '{"records":[]}';
    const answer = await call(ingest(handled), { headers: signed(body), body });
    expect(answer.status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.principal).toMatchObject({ kind: "system", scopes: [SYSTEM_SCOPES.auditWrite] });
    expect(handled[0]!.body).toEqual({ records: [] });
  });

  it("refuses, before the handler, what the route does not accept", async () => {
    const handled: SignedRequest[] = [];
    const route = ingest(handled);
    const body = '{"records":[]}';
    const cases: Array<[string, Parameters<typeof call>[1], number, string]> = [
      ["another method", { method: "GET", headers: signed("", undefined, "GET") }, 405, "METHOD_NOT_ALLOWED"],
      ["no envelope", { headers: { "content-type": "application/json" }, body }, 401, "ENVELOPE_INVALID"],
      [
        "another content type",
        { headers: { ...signed(body), "content-type": "text/plain" }, body },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["a body over the limit", { headers: signed("x".repeat(100)), body: "x".repeat(100) }, 413, "PAYLOAD_TOO_LARGE"],
      [
        "a body changed under the envelope",
        { headers: signed(body), body: '{"records":[1]}' },
        401,
        "ENVELOPE_NOT_BOUND",
      ],
      [
        "another caller's scope",
        { headers: signed(body, SYSTEM_SCOPES.revocationsRead), body },
        403,
        "ENVELOPE_SCOPE_MISSING",
      ],
      ["signed bytes that are not JSON", { headers: signed("{"), body: "{" }, 400, "INVALID_JSON"],
    ];
    for (const [what, init, status, code] of cases) {
      const answer = await call(route, init);
      expect([what, answer.status, answer.body?.errors?.[0]?.extensions?.code]).toEqual([what, status, code]);
    }
    expect(handled).toHaveLength(0);
    expect((await call(route, { method: "GET", headers: signed("", undefined, "GET") })).headers.allow).toBe("POST");
  });

  it("answers each envelope once, and a handler's refusal with its code", async () => {
    const handled: SignedRequest[] = [];
    const route = ingest(handled);
    const body = '{"other":1}';
    const headers = signed(body);
    const first = await call(route, { headers, body });
    expect([first.status, first.body.errors[0].extensions.code]).toEqual([400, "BAD_USER_INPUT"]);
    const replay = await call(route, { headers, body });
    expect([replay.status, replay.body.errors[0].extensions.code]).toEqual([401, "ENVELOPE_REPLAYED"]);
    expect(handled).toHaveLength(1);
  });
});
