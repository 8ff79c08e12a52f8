/**
 * deploy:check renders deploy/ with its own Kustomize subset (scripts/deploy/kustomize.ts). It must render exactly
 * what `kubectl kustomize` does, and refuse what it does not implement.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { PROJECT_ROOT } from "../../scripts/deploy/check.ts";
import { type KubeObject, objectId, renderKustomization } from "../../scripts/deploy/kustomize.ts";
import { type JsonObject, strategicMerge } from "../../scripts/deploy/strategicMerge.ts";

const kubectl = (() => {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const scratch = mkdtempSync(join(tmpdir(), "og-kustomize-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function byId(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((object) => [objectId(object), object]));
}

describe("the offline Kustomize subset", () => {
  it.skipIf(!kubectl)("renders base and both overlays exactly as kubectl kustomize does", () => {
    for (const dir of ["deploy/base", "deploy/overlays/development", "deploy/overlays/production"]) {
      const ours = byId(renderKustomization(join(PROJECT_ROOT, dir)));
      const output = execFileSync("kubectl", ["kustomize", join(PROJECT_ROOT, dir)], { encoding: "utf8" });
      const theirs = byId(parseAllDocuments(output).map((document) => document.toJS() as KubeObject));
      expect([...ours.keys()].sort(), dir).toEqual([...theirs.keys()].sort());
      for (const [id, object] of theirs) expect(ours.get(id), `${dir}: ${id}`).toEqual(object);
    }
  });

  it("merges lists the way Kubernetes declares them: the patch's items first, others after, $patch: delete removes", () => {
    const target: JsonObject = {
      containers: [
        {
          name: "x",
          env: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
            { name: "C", value: "3" },
          ],
        },
        { name: "y", args: ["--a", "--b"] },
      ],
    };
    const patch: JsonObject = {
      containers: [
        { name: "z", image: "k" },
        {
          name: "x",
          env: [
            { name: "D", value: "4" },
            { name: "B", value: "22" },
            { name: "C", $patch: "delete" },
          ],
        },
        { name: "y", args: ["--c"] },
      ],
    };
    expect(strategicMerge(target, patch)).toEqual({
      containers: [
        { name: "z", image: "k" },
        {
          name: "x",
          env: [
            { name: "D", value: "4" },
            { name: "B", value: "22" },
            { name: "A", value: "1" },
          ],
        },
        { name: "y", args: ["--c"] },
      ],
    });
  });

  it("deletes a key patched to null and leaves the original untouched", () => {
    const target: JsonObject = { spec: { replicas: 2, strategy: { type: "RollingUpdate" } } };
    expect(strategicMerge(target, { spec: { strategy: null } })).toEqual({ spec: { replicas: 2 } });
    expect(target).toEqual({ spec: { replicas: 2, strategy: { type: "RollingUpdate" } } });
  });

  it("refuses a kustomization field it does not implement instead of ignoring it", () => {
    const dir = join(scratch, "unsupported");
    execFileSync("mkdir", ["-p", dir]);
    writeFileSync(join(dir, "kustomization.yaml"), "resources: []\nnamePrefix: dev-\n");
    expect(() => renderKustomization(dir)).toThrow(/"namePrefix" is not in the Kustomize subset/);
  });

  it("refuses a patch that matches nothing, as kustomize does", () => {
    const dir = join(scratch, "unmatched");
    execFileSync("mkdir", ["-p", dir]);
    writeFileSync(join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  K: v\n");
    writeFileSync(join(dir, "patch.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  K: w\n");
    writeFileSync(join(dir, "kustomization.yaml"), "resources: [cm.yaml]\npatches:\n  - path: patch.yaml\n");
    expect(() => renderKustomization(dir)).toThrow(/no rendered object matches ConfigMap\/b/);
  });
});
