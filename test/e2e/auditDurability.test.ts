/**
 * A classified answer leaves the gateway only once its audit record is durable in the audit service: a gateway
 * process killed with SIGKILL right after answering loses no record (docs/audit.md). End-to-end tier: it needs a
 * gateway process to kill. The in-process half of the audit's tests is test/audit/auditDurability.test.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditedGraph, startAuditedGraph } from "../support/auditedGraph.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the audit of reads through a gateway process", () => {
  let graph: AuditedGraph;
  const ask = (url: string, query: string) => graph.ask(url, query);
  const recordsOf = (operationName: string) => graph.recordsOf(operationName);

  beforeAll(async () => {
    graph = await startAuditedGraph();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it("loses no record when the gateway is killed with SIGKILL right after N classified answers", async () => {
    const n = 12;
    const first = await startGatewayProcess(graph.env);
    let answered = 0;
    try {
      const answers = await Promise.all(
        Array.from({ length: n }, () =>
          ask(first.url, 'query Durable { resident(id: "resident-000007") { name } }').then((answer) => {
            answered += 1;
            return answer;
          }),
        ),
      );
      expect(answers.every((a) => a.status === 200 && a.body.data.resident.name === "王**")).toBe(true);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
    expect(answered).toBe(n);
    const restarted = await startGatewayProcess(graph.env);
    try {
      expect(await recordsOf("Durable")).toHaveLength(n);
      expect((await ask(restarted.url, 'query Durable { resident(id: "resident-000007") { name } }')).status).toBe(200);
      expect(await recordsOf("Durable")).toHaveLength(n + 1);
    } finally {
      restarted.child.kill("SIGTERM");
      await restarted.exited;
    }
  });
});

/** The gateway as its own process (npm run gateway), for what only a real process shows: SIGKILL. */
async function startGatewayProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: "0",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      const match = /"url":"(http:\/\/[^"]+\/graphql)"[^\n]*gateway is listening/.exec(buffered);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the gateway exited (${code}) before listening`)));
  });
  child.stdout?.resume();
  return { url, child, exited };
}
