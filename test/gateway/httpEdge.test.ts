/**
 * The HTTP edge (lib/http/graphqlHttp.ts, shared by the gateway and every subgraph): every malformed request gets a
 * coded 4xx *answer* — an oversized upload included, which gets its 413 before the connection closes — and one
 * answer carries a bounded number of errors, however often a document repeats its mistake.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { capErrors } from "../../lib/http/errorCap.ts";
import { createGraphQLListener } from "../../lib/http/graphqlHttp.ts";
import { jsonDepth } from "../../lib/http/requestBody.ts";
import { createLogger } from "../../lib/log.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

const FIVE_MB = 5 * 1024 * 1024;

/**
 * Sends `size` bytes of body with node:http (streamed in 64 KiB chunks, chunked or with a Content-Length) and
 * returns the answer once the connection closed; rejects on any connection error (a reset, a broken pipe), even
 * one after the answer arrived.
 */
function upload(url: string, size: number, declareLength: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: { "content-type": "application/json", ...(declareLength ? { "content-length": String(size) } : {}) },
    });
    let answer: { status: number; body: string } | undefined;
    let failed = false;
    req.on("error", (error) => {
      failed = true;
      reject(error);
    });
    req.on("close", () => {
      if (failed) return;
      if (answer) resolve(answer);
      else reject(new Error("the connection closed without a complete answer"));
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        answer = { status: res.statusCode ?? 0, body };
      });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size && !req.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

const post = (url: string, body: string | Uint8Array) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });

async function coded(response: Response) {
  const body = (await response.json()) as { data?: unknown; errors: Array<{ message: string; extensions: any }> };
  return { status: response.status, body, code: body.errors[0]?.extensions.code };
}

describe("the HTTP edge at the gateway", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-edge-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway({ SUPERGRAPH_PATH: join(dir, "supergraph.graphql") });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("answers a subscription sent over POST with 400 OPERATION_NOT_SUPPORTED", async () => {
    const { status, code, body } = await coded(
      await post(gateway.url, JSON.stringify({ query: "subscription { books { id } }" })),
    );
    expect([status, code]).toEqual([400, "OPERATION_NOT_SUPPORTED"]);
    expect(body.errors[0]?.message).toContain("send a query or a mutation");
  });

  it("answers a body that is not valid UTF-8 with 400 INVALID_JSON", async () => {
    // {"query":"{ books { id } }", …} with the bytes FF FE (never valid in UTF-8) inside a string.
    const bytes = Buffer.concat([
      Buffer.from('{"query":"{ books { id } }","operationName":"'),
      Buffer.from([0xff, 0xfe]),
    ]);
    const { status, code, body } = await coded(await post(gateway.url, Buffer.concat([bytes, Buffer.from('"}')])));
    expect([status, code]).toEqual([400, "INVALID_JSON"]);
    expect(body.errors[0]?.message).toContain("UTF-8");
  });

  it("answers a 100,000-character operationName with 400 BAD_REQUEST, over POST and GET", async () => {
    const name = "Q".repeat(100_000);
    const viaPost = await coded(
      await post(gateway.url, JSON.stringify({ query: "{ books { id } }", operationName: name })),
    );
    expect([viaPost.status, viaPost.code]).toEqual([400, "BAD_REQUEST"]);
    expect(viaPost.body.errors[0]?.message).toContain("at most 200 characters");
    expect(JSON.stringify(viaPost.body).length).toBeLessThan(1000);
    const viaGet = await coded(
      await fetch(`${gateway.url}?query=${encodeURIComponent("{ books { id } }")}&operationName=${"Q".repeat(5000)}`),
    );
    expect([viaGet.status, viaGet.code]).toEqual([400, "BAD_REQUEST"]);
  });

  it("answers JSON nested 100,000 levels deep with 400 BAD_REQUEST", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const { status, code, body } = await coded(
      await post(gateway.url, `{"query":"{ books { id } }","extensions":{"x":${deep}}}`),
    );
    expect([status, code]).toEqual([400, "BAD_REQUEST"]);
    expect(body.errors[0]?.message).toContain("64 levels");
  });

  it("answers a 5 MB upload with a 413 before the connection closes, declared or streamed", async () => {
    for (const declared of [true, false]) {
      const { status, body } = await upload(gateway.url, FIVE_MB, declared);
      expect(status).toBe(413);
      expect(JSON.parse(body).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    }
  });

  it("lists at most ten errors plus one saying how many more there were", async () => {
    const directives = Array.from({ length: 30 }, (_, i) => `@unknown${i}`).join(" ");
    const { status, body } = await coded(
      await post(gateway.url, JSON.stringify({ query: `{ books { id ${directives} } }` })),
    );
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(11);
    expect(body.errors.slice(0, 10).every((e) => e.extensions.code === "GRAPHQL_VALIDATION_FAILED")).toBe(true);
    expect(body.errors[10]).toMatchObject({ extensions: { code: "ERRORS_OMITTED", omitted: 20 } });
    expect(body.errors[10]?.message).toBe(
      "20 more errors were omitted; fix the ones listed and send the request again.",
    );
  });

  it("refuses a directive repeated forty times on one field in one error", async () => {
    const { status, body } = await coded(
      await post(gateway.url, JSON.stringify({ query: `{ books { id ${"@skip(if: false) ".repeat(40)}} }` })),
    );
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: 'The directive "@skip" can only be used once at this location.',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
  });

  it("keeps serving after all of the above", async () => {
    const { status, body } = await graphql(gateway.url, "{ books { id } }");
    expect(status).toBe(200);
    expect(body.data.books).toHaveLength(2);
  });
});

describe("the same edge in front of any Apollo server (what every subgraph runs)", () => {
  let apollo: ApolloServer;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    apollo = new ApolloServer({
      typeDefs: "type Query { hello: String }",
      resolvers: { Query: { hello: () => "你好" } },
    });
    await apollo.start();
    const listener = createGraphQLListener({
      server: apollo,
      log: createLogger({ service: "edge-test", level: "silent" }),
      maxBodyBytes: 64 * 1024,
      requestId: () => "req-1",
      context: async () => ({}),
    });
    server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  });

  it("answers an upload over the limit with 413 and reads the rest instead of resetting", async () => {
    const { status, body } = await upload(url, FIVE_MB, false);
    expect(status).toBe(413);
    expect(JSON.parse(body).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("caps the request errors of a plain Apollo server too", async () => {
    const directives = Array.from({ length: 15 }, (_, i) => `@nope${i}`).join(" ");
    const { status, body } = await coded(await post(url, JSON.stringify({ query: `{ hello ${directives} }` })));
    expect(status).toBe(400);
    expect(body.errors.map((e) => e.extensions.code)).toEqual([
      ...Array.from({ length: 10 }, () => "GRAPHQL_VALIDATION_FAILED"),
      "ERRORS_OMITTED",
    ]);
  });

  it("still answers well-formed requests", async () => {
    const response = await post(url, JSON.stringify({ query: "{ hello }" }));
    expect(await response.json()).toEqual({ data: { hello: "你好" } });
  });
});

describe("the pure parts", () => {
  it("measures JSON nesting on the bytes, ignoring brackets inside strings", () => {
    expect(jsonDepth(Buffer.from('{"a":[1,{"b":"[[[{{{"}]}'), 64)).toBe(3);
    expect(jsonDepth(Buffer.from('{"a":"\\"[[[\\""}'), 64)).toBe(1);
    expect(jsonDepth(Buffer.from("[".repeat(1000)), 64)).toBe(65);
  });

  it("merges identical errors with their locations and keeps distinct ones in order", () => {
    const dup = (column: number) => ({ message: "twice", locations: [{ line: 1, column }] });
    expect(capErrors([dup(1), { message: "other" }, dup(5), dup(1)])).toEqual([
      {
        message: "twice",
        locations: [
          { line: 1, column: 1 },
          { line: 1, column: 5 },
        ],
      },
      { message: "other" },
    ]);
    const fieldErrors = [0, 1].map((i) => ({ message: "denied", path: ["list", i, "x"] }));
    expect(capErrors(fieldErrors)).toEqual(fieldErrors);
  });
});
