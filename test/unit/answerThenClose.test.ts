/**
 * Answering a refused upload (lib/http/graphqlHttp.ts `answerThenClose`) on in-memory requests: the answer is written
 * in full at once; it ends when the rest of the upload has been read, or at once when the upload had already arrived
 * (its `end` has been emitted and will not come again, so waiting for it would hold the connection for the linger time).
 */
import { describe, expect, it } from "vitest";
import { answerThenClose } from "../../lib/http/graphqlHttp.ts";
import { inMemoryRequest, recordingResponse } from "../support/inMemoryHttp.ts";

const upload = (headers: Record<string, string>) => inMemoryRequest({ method: "POST", url: "/graphql", headers });

describe("answerThenClose", () => {
  it("ends the answer at once when the whole upload has already been read", async () => {
    const req = upload({ "content-length": "5" });
    req.end("12345");
    req.resume();
    await new Promise((resolve) => req.once("end", resolve));
    const { res, answer: seen } = recordingResponse();

    answerThenClose(req, res, 413, '{"errors":[]}');

    expect(seen).toMatchObject({ ended: true, status: 413, body: '{"errors":[]}' });
    expect(seen.headers).toMatchObject({ connection: "close", "content-length": "13" });
  });

  it("writes the answer, reads the rest of the upload, and ends when it has arrived", async () => {
    const req = upload({ "transfer-encoding": "chunked" });
    req.write("part of a body");
    const { res, answer: seen } = recordingResponse();

    answerThenClose(req, res, 413, '{"errors":[]}');
    expect(seen).toMatchObject({ ended: false, body: '{"errors":[]}' });

    req.end("the rest");
    await new Promise((resolve) => req.once("end", resolve));
    expect(seen).toMatchObject({ ended: true, status: 413, body: '{"errors":[]}' });
  });
});
