/** Server logs never carry tokens, credentials or personal data (issue #6 item 5). */
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { lazyChild, REDACTED_PATHS } from "../../lib/log.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream);
  return { log, text: () => lines.join("") };
}

describe("log redaction", () => {
  it("redacts tokens, secrets, identity numbers, phones and variables at the top and one level down", () => {
    const { log, text } = capture();
    const idNumber = "310101199001011234";
    log.info({
      authorization: "Bearer eyJhbGciOiJFUzI1NiJ9.secret",
      headers: { authorization: "Bearer eyJ.abc", "x-og-envelope": "v1.k.payload.sig", cookie: "sid=1" },
      body: { access_token: "tok-1", refresh_token: "tok-2", client_secret: "portal-dev-secret" },
      resident: { idNumber, phone: "13812345678", name: "张伟" },
      request: { variables: { id: idNumber } },
      password: "Resident#2026",
    });
    const line = text();
    for (const secret of [
      "eyJhbGciOiJFUzI1NiJ9",
      "eyJ.abc",
      "v1.k.payload.sig",
      "sid=1",
      "tok-1",
      "tok-2",
      "portal-dev-secret",
      idNumber,
      "13812345678",
      "Resident#2026",
    ]) {
      expect(line, secret).not.toContain(secret);
    }
    expect(line).toContain("[redacted]");
  });
});

describe("a request's logger", () => {
  it("is made on its first line, carries the request's bindings on every line, and still redacts", () => {
    const { log, text } = capture();
    let children = 0;
    const child = log.child.bind(log);
    log.child = ((...args: Parameters<typeof child>) => {
      children += 1;
      return child(...args);
    }) as typeof log.child;
    const requestLog = lazyChild(log, { requestId: "req-1", traceId: "t-1" });
    expect(children).toBe(0);
    requestLog.warn({ reason: "audit down", phone: "13812345678" }, "withheld");
    requestLog.info("second");
    expect(children).toBe(1);
    const lines = text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ requestId: "req-1", traceId: "t-1", reason: "audit down", msg: "withheld" });
    expect(lines[0]?.phone).toBe("[redacted]");
    expect(lines[1]).toMatchObject({ requestId: "req-1", msg: "second" });
  });
});
