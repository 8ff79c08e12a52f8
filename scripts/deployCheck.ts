/**
 * `npm run deploy:check`: validates the container image's recipe and the Kubernetes manifests offline (no Docker
 * engine, no cluster): the Dockerfile's facts, deploy/base and every overlay rendered (a Kustomize subset) and checked
 * against the Kubernetes schemas and the deployment rules (scripts/deploy/). Exits 1 listing every problem.
 */
import { parseArgs } from "node:util";
import { checkDeployment } from "./deploy/check.ts";

// --deploy-dir checks another copy of deploy/ (a site's own overlays) against this code.
const { values } = parseArgs({ options: { "deploy-dir": { type: "string" } } });
const started = performance.now();
const { renders, problems } = await checkDeployment(values["deploy-dir"] ? { deployDir: values["deploy-dir"] } : {});
for (const render of renders) {
  const kinds = new Map<string, number>();
  for (const object of render.objects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  const summary = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(", ");
  console.log(
    `deploy/${render.name === "base" ? "base" : `overlays/${render.name}`}: ${render.objects.length} objects (${summary})`,
  );
}
const ms = Math.round(performance.now() - started);
if (problems.length > 0) {
  console.error(`\n${problems.length} problem${problems.length === 1 ? "" : "s"}:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error(`\ndeploy:check failed in ${ms} ms.`);
  process.exit(1);
}
console.log(`deploy:check passed: the Dockerfile and ${renders.length} renders are valid (${ms} ms).`);
