/**
 * Closing a server gracefully (lib/http/closeGracefully.ts) with a client that keeps its connections open for as long
 * as the server lets it: the request in flight when closing began is answered, and its connection is closed as soon
 * as it goes idle — not when the client's or the server's keep-alive timeout would end it (both are set out of reach
 * here, so without that the close would never finish within the test's timeout).
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { closeGracefully } from "../../lib/http/closeGracefully.ts";

describe("closeGracefully", () => {
  it("answers the request in flight, then closes its keep-alive connection once idle", {
    timeout: 10_000,
  }, async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const server = createServer({ keepAliveTimeout: 600_000 }, async (_req, res) => {
      received();
      await released;
      res.end("done");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let socketClosed!: Promise<void>;
    const answer = new Promise<string>((resolve, reject) => {
      const req = request(
        { port: (server.address() as AddressInfo).port, host: "127.0.0.1", path: "/", agent },
        (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve(body));
        },
      );
      req.on("socket", (socket) => {
        socketClosed = new Promise((closed) => socket.once("close", () => closed()));
      });
      req.on("error", reject);
      req.end();
    });
    await arrived;

    const closing = closeGracefully(server, 600_000);
    release();

    expect(await answer).toBe("done");
    await closing;
    expect(server.listening).toBe(false);
    // The client sees the server end the connection (it would otherwise keep it open for the next request).
    await socketClosed;
    agent.destroy();
  });
});
