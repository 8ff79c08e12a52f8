/**
 * A small HTTP load balancer for `npm run start:replicas` (docs/deploy.md, "Several replicas"): what a Kubernetes
 * Service does for the gateway Deployment, on one machine.
 *
 * - Round robin over the upstreams whose `/readyz` answered 200 at the last probe (every `probeMs`).
 * - Each request goes to its upstream on a fresh connection, so "the upstream never accepted it" is knowable: a refused
 *   connection (ECONNREFUSED), or a 503 `SHUTTING_DOWN` (a draining gateway answers it without running the request,
 *   gateway/server.ts), is sent to the next ready upstream, each upstream at most once. Those two are the only
 *   retries: a reset or a timeout after the request was accepted may have run it (a mutation), so it ends in a 502.
 * - An upstream that refused or drained is taken out of the rotation until its next ready probe.
 * - `GET /_lb` answers the upstreams, their readiness and counts (not forwarded).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errorBody } from "../../lib/errors.ts";

/** Largest request body forwarded (the gateway's own default limit is 1 MiB; it answers its own 413 below this). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Headers of one hop only (RFC 9110 §7.6.1), not forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
]);

export interface UpstreamStatus {
  origin: string;
  ready: boolean;
  /** Requests answered by this upstream (any status). */
  answered: number;
  /** Requests this upstream did not accept (refused connection or SHUTTING_DOWN), sent on to another. */
  retriedElsewhere: number;
}

export interface LoadBalancerStats {
  upstreams: UpstreamStatus[];
  /** Requests received from clients. */
  requests: number;
  /** Requests that no upstream answered (503 NO_GATEWAY_REPLICA or 502 GATEWAY_REPLICA_FAILED): each is a request lost. */
  failed: number;
}

export interface LoadBalancer {
  origin: string;
  port: number;
  stats(): LoadBalancerStats;
  /** Probes every upstream now; resolves when done (tests and the launcher wait on readiness with it). */
  probe(): Promise<void>;
  stop(): Promise<void>;
}

export interface LoadBalancerOptions {
  /** Upstream origins, e.g. http://127.0.0.1:4001. */
  upstreams: string[];
  port: number;
  host?: string;
  /** How often each upstream's /readyz is asked. Default 250 ms. */
  probeMs?: number;
  /** Longest wait for one /readyz answer. Default 3 s (the gateway asks every subgraph before it answers). */
  probeTimeoutMs?: number;
  /** Longest wait for an upstream's whole answer. Default 60 s. */
  upstreamTimeoutMs?: number;
}

interface Upstream extends UpstreamStatus {
  host: string;
  port: number;
}

class NotAccepted extends Error {}

export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const { probeMs = 250, probeTimeoutMs = 3_000, upstreamTimeoutMs = 60_000, host = "127.0.0.1" } = options;
  const upstreams: Upstream[] = options.upstreams.map((origin) => {
    const url = new URL(origin);
    return {
      origin: url.origin,
      host: url.hostname,
      port: Number(url.port),
      ready: false,
      answered: 0,
      retriedElsewhere: 0,
    };
  });
  let requests = 0;
  let failed = 0;
  let next = 0;

  const probeOne = async (upstream: Upstream) => {
    try {
      const response = await fetch(`${upstream.origin}/readyz`, { signal: AbortSignal.timeout(probeTimeoutMs) });
      await response.body?.cancel();
      upstream.ready = response.status === 200;
    } catch {
      upstream.ready = false;
    }
  };
  let probing: Promise<void> | undefined;
  const probe = () => {
    probing ??= Promise.all(upstreams.map(probeOne)).then(() => {
      probing = undefined;
    });
    return probing;
  };
  await probe();
  const timer = setInterval(() => void probe(), probeMs);
  timer.unref();

  /** The ready upstreams in round-robin order, starting after the last one chosen. */
  const rotation = (): Upstream[] => {
    const ready = upstreams.filter((u) => u.ready);
    if (ready.length === 0) return [];
    const start = next++ % ready.length;
    return [...ready.slice(start), ...ready.slice(0, start)];
  };

  const forward = (
    upstream: Upstream,
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      const peer = req.socket.remoteAddress ?? "";
      headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${req.headers["x-forwarded-for"]}, ${peer}` : peer;
      headers["content-length"] = String(body.length);
      let connected = false;
      const outgoing = request(
        {
          host: upstream.host,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          // A fresh connection per request: a refusal then means the request was never accepted.
          agent: false,
          timeout: upstreamTimeoutMs,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () => {
            const answer = {
              status: incoming.statusCode ?? 502,
              headers: incoming.headers,
              body: Buffer.concat(chunks),
            };
            if (answer.status === 503 && isShuttingDown(answer.body)) reject(new NotAccepted("draining"));
            else resolve(answer);
          });
        },
      );
      outgoing.on("socket", (socket) => socket.once("connect", () => (connected = true)));
      outgoing.on("timeout", () => outgoing.destroy(new Error("upstream timed out")));
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        reject(!connected && error.code === "ECONNREFUSED" ? new NotAccepted(error.code) : error);
      });
      outgoing.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    if (req.url === "/_lb" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(stats()));
      return;
    }
    requests += 1;
    const fail = (status: number, message: string) => {
      failed += 1;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(errorBody(status === 502 ? "GATEWAY_REPLICA_FAILED" : "NO_GATEWAY_REPLICA", message));
    };
    let body: Buffer;
    try {
      body = await readAll(req);
    } catch {
      failed += 1;
      res.writeHead(413, { "content-type": "application/json; charset=utf-8", connection: "close" });
      res.end(errorBody("PAYLOAD_TOO_LARGE", "The request body is larger than the load balancer forwards."));
      return;
    }
    for (const upstream of rotation()) {
      try {
        const answer = await forward(upstream, req, body);
        upstream.answered += 1;
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        }
        headers["content-length"] = String(answer.body.length);
        res.writeHead(answer.status, headers);
        res.end(answer.body);
        return;
      } catch (error) {
        if (error instanceof NotAccepted) {
          // Never run there: out of the rotation until its next ready probe, and on to the next.
          upstream.ready = false;
          upstream.retriedElsewhere += 1;
          continue;
        }
        fail(502, "The gateway replica failed while answering; the request may have run.");
        return;
      }
    }
    fail(503, "No gateway replica is ready; send the request again shortly.");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const stats = (): LoadBalancerStats => ({
    upstreams: upstreams.map(({ origin, ready, answered, retriedElsewhere }) => ({
      origin,
      ready,
      answered,
      retriedElsewhere,
    })),
    requests,
    failed,
  });

  return {
    origin: `http://${host}:${port}`,
    port,
    stats,
    probe,
    stop: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function isShuttingDown(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: Array<{ extensions?: { code?: string } }> };
    return parsed.errors?.[0]?.extensions?.code === "SHUTTING_DOWN";
  } catch {
    return false;
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        reject(new Error("too large"));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
