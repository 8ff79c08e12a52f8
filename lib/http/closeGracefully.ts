import type { Server } from "node:http";

/** How often, while closing, connections that have gone idle since are closed. */
const SWEEP_MS = 25;

/**
 * Stops accepting connections, waits for in-flight requests, then closes whatever is left after the grace period.
 *
 * A keep-alive connection whose request was still running when closing began goes idle when its answer has been
 * sent, and Node does not close it then: `server.close()` would wait until the client dropped it (its keep-alive
 * timeout, seconds). So idle connections are closed again every SWEEP_MS until the server has closed.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  sweep.unref();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
