/**
 * The gateway's identity proxy (gateway/auth/identityProxy.ts) on in-memory requests: what it refuses is refused before
 * the identity service is called, through the one body reader (lib/http/requestBody.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { identityProxyRoutes } from "../../gateway/auth/identityProxy.ts";
import { createLogger } from "../../lib/log.ts";

async function call(
  route: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  const req = Object.assign(new PassThrough(), {
    method: init.method,
    url: "/oauth/token",
    headers: init.headers ?? {},
  });
  req.end(init.body ?? "");
  const answer = { status: 0, headers: {} as Record<string, string>, body: "" };
  await new Promise<void>((resolve, reject) => {
    const res = {
      statusCode: 200,
      writableEnded: false,
      headersSent: false,
      getHeader: () => undefined,
      setHeader: (name: string, value: unknown) => {
        answer.headers[name.toLowerCase()] = String(value);
      },
      write: (chunk: string | Buffer) => {
        answer.body += chunk.toString();
        return true;
      },
      end: (chunk?: string | Buffer) => {
        answer.body += chunk?.toString() ?? "";
        answer.status = res.statusCode;
        res.writableEnded = true;
        resolve();
      },
    };
    // A refused upload is answered, then the connection closes once the rest is read (answerThenClose): `end` may
    // come after the route has returned.
    Promise.resolve(route(req as unknown as IncomingMessage, res as unknown as ServerResponse)).catch(reject);
  });
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
