/**
 * `npm run deploy:check`, as a function: lints the Dockerfile, renders deploy/base and every overlay, validates each
 * object against the Kubernetes schemas and the deployment rules, and returns every problem found (none: deployable).
 * Paths can be pointed elsewhere so that tests can check broken copies.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { subgraphConfigSchema } from "../../subgraphs/kit/config.ts";
import { parseDockerfile } from "./dockerfile.ts";
import { dockerfileProblems, type PackageFacts } from "./dockerfileRules.ts";
import { type KubeObject, objectId, RenderError, renderKustomization } from "./kustomize.ts";
import { manifestProblems, type Project } from "./manifestRules.ts";
import { schemaProblems } from "./schemas.ts";
import { type SourceGraph, sourceGraph } from "./sourceGraph.ts";
import { type Entry, GATEWAY_ENTRY, LEGACY_ENTRY, REGISTRY_ENTRY, SUBGRAPH_ENTRY } from "./workloads.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CheckOptions {
  /** The project (and Docker build context). Default: this repository. */
  root?: string;
  /** Default `<root>/deploy`. */
  deployDir?: string;
  /** Default `<root>/Dockerfile`. */
  dockerfile?: string;
  /** Default `<root>/.dockerignore`. */
  dockerignore?: string;
  /** Default `<root>/docs/deploy.md`: the Secrets it lists. */
  deployDoc?: string;
  /** Default `<root>/package.json`. */
  packageJson?: string;
}

export interface CheckResult {
  renders: Array<{ name: string; objects: KubeObject[] }>;
  problems: string[];
}

export async function checkDeployment(options: CheckOptions = {}): Promise<CheckResult> {
  const root = options.root ?? PROJECT_ROOT;
  const deployDir = options.deployDir ?? join(root, "deploy");
  const packageJson = JSON.parse(readFileSync(options.packageJson ?? join(root, "package.json"), "utf8")) as {
    version: string;
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const packages: PackageFacts = {
    version: packageJson.version,
    engines: packageJson.engines?.node,
    dependencies: packageJson.dependencies ?? {},
    devDependencies: packageJson.devDependencies ?? {},
    lockPackages: lock.packages,
  };
  const { subgraphModules } = await import("../../subgraphs/registry.ts");
  const subgraphs = subgraphModules.map((m) => ({ name: m.name, defaultPort: m.defaultPort }));

  const graphs = new Map<string, SourceGraph>();
  const graphOf = (files: string[]) => {
    const key = files.join("+");
    if (!graphs.has(key)) graphs.set(key, sourceGraph(root, files));
    return graphs.get(key) as SourceGraph;
  };
  const entries: Array<{ label: string; graph: SourceGraph }> = [
    { label: GATEWAY_ENTRY, graph: graphOf([GATEWAY_ENTRY]) },
    ...subgraphs.map((s) => ({
      label: `${SUBGRAPH_ENTRY} ${s.name}`,
      graph: graphOf([SUBGRAPH_ENTRY, `subgraphs/${s.name}/index.ts`]),
    })),
    { label: LEGACY_ENTRY, graph: graphOf([LEGACY_ENTRY]) },
    { label: `${REGISTRY_ENTRY} serve`, graph: graphOf([REGISTRY_ENTRY]) },
    // Operators run it inside a pod (docs/deploy.md).
    { label: "scripts/auditVerify.ts", graph: graphOf(["scripts/auditVerify.ts"]) },
  ];

  const problems: string[] = [];
  const dockerfilePath = options.dockerfile ?? join(root, "Dockerfile");
  const ignorePath = options.dockerignore ?? join(root, ".dockerignore");
  const image = dockerfileProblems(
    root,
    parseDockerfile(readFileSync(dockerfilePath, "utf8")),
    existsSync(ignorePath) ? readFileSync(ignorePath, "utf8") : "",
    packages,
    entries,
  );
  for (const problem of image.problems) problems.push(problem);

  // scripts/subgraph.ts lets `HEALTH_PORT` stand for `PORT` (one environment for several subgraphs).
  const kitNames = Object.keys(subgraphConfigSchema("any", 0).shape);
  const deployDoc = options.deployDoc ?? join(root, "docs/deploy.md");
  const project: Project = {
    version: packageJson.version,
    subgraphs,
    imageEnv: image.env,
    imageUser: image.user,
    envNamesFor: (entry: Entry) => {
      const names = new Set(graphOf(entry.files).envNames);
      if (entry.kind === "subgraph") for (const name of kitNames) names.add(`${entry.name.toUpperCase()}_${name}`);
      return names;
    },
    documentedSecrets: existsSync(deployDoc) ? documentedSecrets(readFileSync(deployDoc, "utf8")) : new Set(),
  };

  const renders: CheckResult["renders"] = [];
  const overlaysDir = join(deployDir, "overlays");
  const targets = [
    { name: "base", dir: join(deployDir, "base"), complete: false },
    ...(existsSync(overlaysDir) ? readdirSync(overlaysDir, { withFileTypes: true }) : [])
      .filter((entry) => entry.isDirectory())
      .map((entry) => ({ name: entry.name, dir: join(overlaysDir, entry.name), complete: true })),
  ];
  if (!targets.some((t) => t.name === "production")) problems.push("deploy/overlays/production: missing");
  for (const target of targets) {
    let objects: KubeObject[];
    try {
      objects = renderKustomization(target.dir);
    } catch (error) {
      if (error instanceof RenderError) {
        problems.push(`${target.name}: cannot render: ${error.message}`);
        continue;
      }
      throw error;
    }
    renders.push({ name: target.name, objects });
    for (const object of objects) {
      for (const problem of schemaProblems(object)) problems.push(`${target.name}: ${objectId(object)}: ${problem}`);
    }
    const render = { name: target.name, objects, complete: target.complete, production: target.name === "production" };
    for (const problem of manifestProblems(render, project)) problems.push(`${target.name}: ${problem}`);
  }
  return { renders, problems };
}

/** The Secret names of docs/deploy.md: the first cell of each row of the table headed `| Secret |`. */
export function documentedSecrets(doc: string): Set<string> {
  const names = new Set<string>();
  let inTable = false;
  for (const line of doc.split("\n")) {
    if (/^\|\s*Secret\s*\|/.test(line)) inTable = true;
    else if (!line.startsWith("|")) inTable = false;
    else if (inTable) {
      for (const match of (line.split("|")[1] ?? "").matchAll(/`([a-z0-9][a-z0-9-]*)`/g)) names.add(match[1] as string);
    }
  }
  return names;
}
