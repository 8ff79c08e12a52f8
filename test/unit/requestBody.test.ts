/** The one HTTP body reader (lib/http/requestBody.ts), on in-memory requests: no server, no port. */
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  BodyTooLargeError,
  parseJsonBody,
  RequestBodyError,
  readBody,
  requireContentType,
} from "../../lib/http/requestBody.ts";

function request(headers: Record<string, string>, chunks: string[]): IncomingMessage {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return Object.assign(stream, { headers }) as unknown as IncomingMessage;
}

function refusal(run: () => unknown): RequestBodyError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestBodyError) return error;
    throw error;
  }
  throw new Error("expected a RequestBodyError");
}

describe("readBody", () => {
  it("returns the exact bytes of a body within the limit", async () => {
    const body = await readBody(request({}, ['{"a":', '"静安"}']), 100);
    expect(body.toString("utf8")).toBe('{"a":"静安"}');
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const error = await readBody(request({ "content-length": "5000" }, ["x"]), 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(error).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE", declared: 5000, limit: 100 });
  });

  it("refuses a streamed body once it passes the limit", async () => {
    const error = await readBody(request({}, ["a".repeat(60), "b".repeat(60)]), 100).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE", declared: null });
  });
});

describe("requireContentType", () => {
  it("accepts a listed media type whatever its case and parameters", () => {
    const req = request({ "content-type": "Application/JSON; charset=utf-8" }, []);
    expect(requireContentType(req, ["application/json"])).toBe("application/json");
  });

  it("refuses another or a missing media type with 415, saying what to send", () => {
    expect(
      refusal(() => requireContentType(request({ "content-type": "text/plain" }, []), ["application/json"])),
    ).toMatchObject({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining("application/json"),
    });
    expect(refusal(() => requireContentType(request({}, []), ["application/json"])).message).toContain("(none)");
  });
});

describe("parseJsonBody", () => {
  it("parses UTF-8 JSON", () => {
    expect(parseJsonBody(Buffer.from('{"ids":["r-1"]}'))).toEqual({ ids: ["r-1"] });
  });

  it("answers bytes that are not UTF-8, or not JSON, with 400 INVALID_JSON", () => {
    expect(refusal(() => parseJsonBody(Buffer.from([0x7b, 0xff, 0x7d])))).toMatchObject({
      status: 400,
      code: "INVALID_JSON",
    });
    expect(refusal(() => parseJsonBody(Buffer.from('{"a":'), { example: '{"ids": [...]}' })).message).toBe(
      'The request body is not valid JSON; send {"ids": [...]}.',
    );
  });

  it("refuses nesting deeper than allowed before parsing, with 400 BAD_REQUEST", () => {
    expect(refusal(() => parseJsonBody(Buffer.from("[[[1]]]"), { maxDepth: 2 }))).toMatchObject({
      status: 400,
      code: "BAD_REQUEST",
    });
    expect(parseJsonBody(Buffer.from('["[[[["]'), { maxDepth: 1 })).toEqual(["[[[["]);
  });
});
