/**
 * The gateway's identity proxy (gateway/auth/identityProxy.ts) on in-memory requests: what it refuses is refused before
 * the identity service is called, through the one body reader (lib/http/requestBody.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { identityProxyRoutes } from "../../gateway/auth/identityProxy.ts";
import { createLogger } from "../../lib/log.ts";
import { inMemoryRequest, recordingResponse } from "../support/inMemoryHttp.ts";

async function call(
  route: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  const req = inMemoryRequest({ method: init.method, url: "/oauth/token", headers: init.headers });
  req.end(init.body ?? "");
  const { res, answer, ended } = recordingResponse();
  // A refused upload is answered, then the connection closes once the rest is read (answerThenClose): `end` may
  // come after the route has returned.
  await Promise.all([ended, route(req, res)]);
  return answer;
}

describe("the identity proxy", () => {
  it("answers a body over its limit with 413 and an OAuth error, without calling the identity service", async () => {
    let signed = 0;
    const routes = identityProxyRoutes({
      // Nothing listens here: a forwarded request would come back 503, not 413.
      identityUrl: "http://127.0.0.1:9",
      signEnvelope: () => {
        signed += 1;
        return "v2.unused";
      },
      clientAddressOf: () => "203.0.113.7",
      log: createLogger({ service: "test", level: "silent" }),
      maxBodyBytes: 64,
    });
    const body = `grant_type=password&username=${"x".repeat(100)}`;
    const declaredAndStreamed: Array<Record<string, string>> = [
      { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
      { "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of declaredAndStreamed) {
      const answer = await call(routes["/oauth/token"]!, { method: "POST", headers, body });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: "invalid_request" });
      expect(JSON.parse(answer.body).error_description).toContain("the limit");
    }
    expect(signed).toBe(0);
  });
});
