/**
 * The load balancer of `npm run start:replicas` (scripts/replicas/loadBalancer.ts), against small in-process upstreams
 * on OS-chosen ports: round robin over ready upstreams; a request an upstream never accepted (refused connection,
 * 503 SHUTTING_DOWN) goes to the other; one it accepted and then dropped does not (it may have run).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { errorBody } from "../../lib/errors.ts";
import { type LoadBalancer, startLoadBalancer } from "../../scripts/replicas/loadBalancer.ts";

interface Upstream {
  origin: string;
  /** Bodies of the GraphQL requests it received. */
  received: string[];
  /** What it does with the next /graphql request; default: answers 200 with its name. */
  behave: "answer" | "draining" | "reset";
  ready: boolean;
  close(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const state: Omit<Upstream, "origin" | "close"> = { received: [], behave: "answer", ready: true };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (req.url === "/readyz") {
        res.writeHead(state.ready ? 200 : 503).end();
        return;
      }
      state.received.push(body);
      if (state.behave === "reset") {
        req.socket.destroy();
        return;
      }
      if (state.behave === "draining") {
        res.writeHead(503, { "content-type": "application/json", connection: "close" });
        res.end(errorBody("SHUTTING_DOWN", "draining"));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-upstream": name });
      res.end(JSON.stringify({ data: { from: name, echo: body } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

const post = (lb: LoadBalancer, body: string) =>
  fetch(`${lb.origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });

describe("the replicas' load balancer", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setUp() {
    const a = await upstream("a");
    const b = await upstream("b");
    // A long probe interval: the tests decide when readiness is probed.
    const lb = await startLoadBalancer({ upstreams: [a.origin, b.origin], port: 0, probeMs: 60_000 });
    cleanup.push(a.close, b.close, lb.stop);
    return { a, b, lb };
  }

  it("takes turns between the ready upstreams, forwarding the body and answering theirs", async () => {
    const { a, b, lb } = await setUp();
    const froms: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await post(lb, `{"n":${i}}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { from: string; echo: string } };
      expect(body.data.echo).toBe(`{"n":${i}}`);
      froms.push(body.data.from);
    }
    expect(froms.sort()).toEqual(["a", "a", "b", "b"]);
    expect(a.received).toHaveLength(2);
    expect(b.received).toHaveLength(2);
    // Not ready at the next probe: out of the rotation.
    a.ready = false;
    await lb.probe();
    for (let i = 0; i < 3; i += 1) {
      const body = (await (await post(lb, "{}")).json()) as { data: { from: string } };
      expect(body.data.from).toBe("b");
    }
    expect(lb.stats()).toMatchObject({ requests: 7, failed: 0 });
  });

  it("sends a request on when the upstream refused the connection or answered SHUTTING_DOWN", async () => {
    const { a, b, lb } = await setUp();
    a.behave = "draining";
    for (let i = 0; i < 2; i += 1) {
      const response = await post(lb, "{}");
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: { from: string } }).data.from).toBe("b");
    }
    // Marked not ready by the refusal; ready again at its next probe, then stopped: the connection is refused.
    await lb.probe();
    a.behave = "answer";
    await a.close();
    for (let i = 0; i < 2; i += 1) expect((await post(lb, "{}")).status).toBe(200);
    const stats = lb.stats();
    expect(stats.failed).toBe(0);
    expect(stats.upstreams.find((u) => u.origin === a.origin)?.retriedElsewhere).toBeGreaterThanOrEqual(2);
    expect(b.received).toHaveLength(4);
  });

  it("does not send on a request the upstream accepted and then dropped (it may have run)", async () => {
    const { a, b, lb } = await setUp();
    a.behave = "reset";
    b.behave = "reset";
    const response = await post(lb, '{"query":"mutation { book }"}');
    expect(response.status).toBe(502);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe("GATEWAY_REPLICA_FAILED");
    // Exactly one upstream saw it.
    expect(a.received.length + b.received.length).toBe(1);
    expect(lb.stats().failed).toBe(1);
  });

  it("answers 503 NO_GATEWAY_REPLICA when no upstream is ready", async () => {
    const { a, b, lb } = await setUp();
    a.ready = false;
    b.ready = false;
    await lb.probe();
    const response = await post(lb, "{}");
    expect(response.status).toBe(503);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe("NO_GATEWAY_REPLICA");
    expect(a.received.length + b.received.length).toBe(0);
  });
});
