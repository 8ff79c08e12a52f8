/**
 * `npm run deploy:check` as CI and an operator run it: a process that exits non-zero and lists the problems on a broken
 * manifest (on what is committed it exits 0: `.ci/run` runs it before the tests). What it finds is tested in-process in
 * test/deploy/deployCheck.test.ts.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/deploy/check.ts";
import { brokenCopies, replace } from "../support/brokenDeploy.ts";

const { brokenDeploy } = brokenCopies();

describe("npm run deploy:check", () => {
  it("exits non-zero and lists the problems on a broken manifest", async () => {
    const dir = brokenDeploy({
      "base/gateway/gateway.yaml": replace("minReplicas: 2", "minReplicas: 2\n  replica: 3"),
    });
    const run = promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/deployCheck.ts", "--deploy-dir", dir],
      { cwd: PROJECT_ROOT },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("HorizontalPodAutoscaler/jingan-one-graph/gateway: /spec/replica is not a field"),
    });
  });
});
