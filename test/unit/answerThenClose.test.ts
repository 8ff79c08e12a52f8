/**
 * Answering a refused upload (lib/http/graphqlHttp.ts `answerThenClose`) on in-memory requests: the answer is written
 * in full at once; it ends when the rest of the upload has been read, or at once when the upload had already arrived
 * (its `end` has been emitted and will not come again, so waiting for it would hold the connection for the linger time).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { answerThenClose } from "../../lib/http/graphqlHttp.ts";

function fakeResponse() {
  const seen = { headers: {} as Record<string, string>, body: "", ended: false, status: 0 };
  const res = {
    statusCode: 200,
    writableEnded: false,
    setHeader: (name: string, value: unknown) => {
      seen.headers[name.toLowerCase()] = String(value);
    },
    write: (chunk: string) => {
      seen.body += chunk;
      return true;
    },
    end: (chunk?: string) => {
      seen.body += chunk ?? "";
      seen.status = res.statusCode;
      seen.ended = true;
      res.writableEnded = true;
    },
  };
  return { res: res as unknown as ServerResponse, seen };
}

function upload(headers: Record<string, string>) {
  return Object.assign(new PassThrough(), { method: "POST", url: "/graphql", headers });
}

describe("answerThenClose", () => {
  it("ends the answer at once when the whole upload has already been read", async () => {
    const req = upload({ "content-length": "5" });
    req.end("12345");
    req.resume();
    await new Promise((resolve) => req.once("end", resolve));
    const { res, seen } = fakeResponse();

    answerThenClose(req as unknown as IncomingMessage, res, 413, '{"errors":[]}');

    expect(seen).toMatchObject({ ended: true, status: 413, body: '{"errors":[]}' });
    expect(seen.headers).toMatchObject({ connection: "close", "content-length": "13" });
  });

  it("writes the answer, reads the rest of the upload, and ends when it has arrived", async () => {
    const req = upload({ "transfer-encoding": "chunked" });
    req.write("part of a body");
    const { res, seen } = fakeResponse();

    answerThenClose(req as unknown as IncomingMessage, res, 413, '{"errors":[]}');
    expect(seen).toMatchObject({ ended: false, body: '{"errors":[]}' });

    req.end("the rest");
    await new Promise((resolve) => req.once("end", resolve));
    expect(seen).toMatchObject({ ended: true, status: 413, body: '{"errors":[]}' });
  });
});
