/**
 * What can be checked of the Dockerfile without building it: the Node of the base image is the Node that runs the
 * tests (package.json: `engines` and the `node` devDependency), the runtime stage installs production dependencies
 * only and runs as a numeric non-root user, and the image holds every file and package the services load — the
 * sources reached by imports from each entry point, the files they read beside themselves, the generated Prisma
 * clients, and each imported npm package as a production dependency.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { type Dockerfile, dockerignore, execForm, parseCopy, parseEnv, type Stage } from "./dockerfile.ts";
import type { SourceGraph } from "./sourceGraph.ts";

export interface PackageFacts {
  version: string;
  engines: string | undefined;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** package-lock.json `packages`, by `node_modules/<name>`. */
  lockPackages: Record<string, { dev?: boolean }>;
}

export interface ImageFacts {
  env: Map<string, string>;
  user: number | undefined;
  problems: string[];
}

/** Tests never run in the image (and .dockerignore leaves them out). */
const TEST_FILE = /\.test\.ts$/;

/** Files a stage holds, as absolute paths in the image, mapped to where they come from (for messages). */
type StageFiles = Set<string>;

export function dockerfileProblems(
  root: string,
  dockerfile: Dockerfile,
  ignoreText: string,
  packages: PackageFacts,
  graphs: Array<{ label: string; graph: SourceGraph }>,
): ImageFacts {
  const problems: string[] = [];
  const report = (message: string) => problems.push(`Dockerfile: ${message}`);
  const ignored = dockerignore(ignoreText);
  const final = dockerfile.stages.at(-1);
  if (!final) return { env: new Map(), user: undefined, problems: ["Dockerfile: has no FROM"] };
  if (dockerfile.stages.length < 2)
    report("build in stages: dependencies and generation in one, the runtime in another");

  // Node: the same release as the tests run on.
  for (const stage of dockerfile.stages) {
    const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:\.(\d+)\.(\d+))?(?:-|$)/.exec(stage.image);
    if (!match) {
      if (!dockerfile.stages.some((s) => s.name && stage.image === s.name))
        report(`stage ${stage.name ?? "?"} is not based on the official node image (${stage.image})`);
      continue;
    }
    const major = Number(match[1]);
    const [low, high] = engineRange(packages.engines);
    if (major < low || major >= high)
      report(`${stage.image} runs Node ${major}; package.json engines wants ${packages.engines}`);
    const pinned = packages.devDependencies.node;
    if (pinned && match[2] !== undefined && `${match[1]}.${match[2]}.${match[3]}` !== pinned) {
      report(`${stage.image} is not Node ${pinned}, the \`node\` devDependency that runs the tests`);
    }
    if (match[2] === undefined) report(`${stage.image}: pin the full Node version (${pinned ?? "x.y.z"})`);
  }

  // Runtime stage: production dependencies only, a numeric non-root user, the services' entry.
  const runs = final.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
  if (!runs.some((run) => /\bnpm ci\b[^;&|]*--omit=dev/.test(run)))
    report("the runtime stage must install with `npm ci --omit=dev`");
  if (runs.some((run) => /\bnpm (install|i)\b/.test(run)))
    report("the runtime stage must not `npm install` (npm ci keeps the lockfile)");
  const userLine = final.instructions.filter((i) => i.keyword === "USER").at(-1)?.args;
  const uid = userLine && /^\d+$/.test(userLine.split(":")[0] ?? "") ? Number(userLine.split(":")[0]) : undefined;
  if (!userLine) report("the runtime stage runs as root: add USER with a numeric uid");
  else if (uid === undefined)
    report(`USER ${userLine}: use a numeric uid, so that Kubernetes' runAsNonRoot can verify it`);
  else if (uid === 0) report("USER 0 is root");
  const env = new Map<string, string>();
  for (const instruction of final.instructions) {
    if (instruction.keyword === "ENV") for (const [key, value] of parseEnv(instruction.args)) env.set(key, value);
  }

  const files = stageFiles(root, dockerfile, final, ignored, problems);
  const workdir = workdirOf(final);
  const inImage = (file: string) => files.has(posix.join(workdir, file));
  // A path a RUN step of the image writes (the portal's build) need not exist in a fresh clone.
  const builtInImage = (path: string) => {
    const inside = `${posix.join(workdir, path)}/`;
    return [...files].some((file) => file.startsWith(inside));
  };
  const entrypoint = execForm(final.instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1)?.args ?? "");
  const command = execForm(final.instructions.filter((i) => i.keyword === "CMD").at(-1)?.args ?? "");
  const required = new Map<string, string>();
  if (!entrypoint) report("ENTRYPOINT must be in exec form (JSON), so that signals reach node");
  else {
    const loader = entrypoint[entrypoint.indexOf("--import") + 1];
    if (entrypoint.includes("--import") && loader) required.set(loader, "the ENTRYPOINT's --import");
  }
  if (!command) report("CMD must be in exec form (JSON)");
  else if (command[0] && !inImage(command[0])) report(`CMD runs ${command[0]}, which the image does not contain`);

  // Everything each entry point loads is in the image.
  for (const { label, graph } of graphs) {
    for (const file of graph.unresolved)
      report(`${label} imports ${file}, which does not exist (run npm run generate?)`);
    for (const file of graph.files) {
      if (!inImage(file)) report(`the image lacks ${file}, which ${label} loads (COPY it, or stop ignoring it)`);
    }
    for (const asset of graph.assets) {
      const path = asset.replace(/\/$/, "");
      // A directory read at run time (migrations, the subgraph folders) is needed whole, tests aside.
      const assetFiles =
        existsSync(join(root, path)) && statSync(join(root, path)).isDirectory()
          ? filesUnder(root, path).filter((file) => !TEST_FILE.test(file))
          : [path];
      for (const file of assetFiles) {
        if (!existsSync(join(root, file))) {
          if (!builtInImage(file)) report(`${label} reads ${file}, which does not exist`);
        } else if (!inImage(file)) report(`the image lacks ${file}, which ${label} reads at run time`);
      }
    }
    for (const [name, importers] of graph.packages) if (!required.has(name)) required.set(name, importers[0] as string);
  }
  for (const [name, importer] of required) {
    if (!(name in packages.dependencies)) {
      report(`${name} (imported by ${importer}) must be a production dependency: npm ci --omit=dev leaves it out`);
    } else if (packages.lockPackages[`node_modules/${name}`]?.dev) {
      report(`package-lock.json still marks ${name} as a devDependency; run npm install`);
    }
  }

  // ENV the image sets is read by the code.
  const read = new Set(graphs.flatMap(({ graph }) => [...graph.envNames]));
  for (const name of env.keys())
    if (!read.has(name) && name !== "NODE_ENV") report(`ENV ${name} is read by none of the services`);

  // The build context keeps local state out.
  for (const [path, why] of [
    [".data/keys/envelope-ed25519.json", "development keys"],
    ["node_modules/.package-lock.json", "the host's node_modules"],
    [".git/HEAD", "the repository"],
  ] as const) {
    if (!ignored(path)) report(`.dockerignore must leave out ${path.split("/")[0]} (${why})`);
  }
  return { env, user: uid, problems };
}

function engineRange(engines: string | undefined): [number, number] {
  const low = /(?:>=|\^|~)?\s*(\d+)/.exec(engines ?? "")?.[1];
  const high = /<\s*(\d+)/.exec(engines ?? "")?.[1];
  return [Number(low ?? 0), high ? Number(high) : Number(low ?? 0) + 1];
}

function workdirOf(stage: Stage): string {
  let workdir = "/";
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "WORKDIR") workdir = posix.resolve(workdir, instruction.args.trim());
  }
  return workdir;
}

/** The files of a stage: its COPYs from the context (less .dockerignore) and from earlier stages. */
function stageFiles(
  root: string,
  dockerfile: Dockerfile,
  stage: Stage,
  ignored: (path: string) => boolean,
  problems: string[],
): StageFiles {
  const files: StageFiles = new Set();
  let workdir = "/";
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "WORKDIR") workdir = posix.resolve(workdir, instruction.args.trim());
    if (instruction.keyword === "RUN" && /scripts\/generate\.ts/.test(instruction.args)) {
      // `prisma generate` writes each client where prisma/<name>/schema.prisma says: subgraphs/<name>/generated.
      for (const file of filesUnder(root, "subgraphs").filter((f) => /^subgraphs\/[^/]+\/generated\//.test(f))) {
        files.add(posix.join(workdir, file));
      }
    }
    if (instruction.keyword === "RUN" && /scripts\/buildPortal\.ts/.test(instruction.args)) {
      // The portal's build (Vite) writes portal/dist in the image, whether or not a local build exists: its page at
      // least (docs/portal.md).
      files.add(posix.join(workdir, "portal/dist/index.html"));
    }
    if (instruction.keyword !== "COPY" && instruction.keyword !== "ADD") continue;
    const { flags, sources, destination } = parseCopy(instruction.args);
    const target = posix.resolve(workdir, destination);
    const toDirectory = destination.endsWith("/") || sources.length > 1;
    const from = flags.get("from");
    if (from !== undefined) {
      const source = dockerfile.stages.find((s) => s.name === from);
      if (!source) {
        problems.push(`Dockerfile:${instruction.line}: COPY --from=${from} names no stage`);
        continue;
      }
      const sourceFiles = stageFiles(root, dockerfile, source, ignored, problems);
      for (const pattern of sources) {
        const prefix = posix.resolve(workdirOf(source), pattern);
        for (const file of sourceFiles) {
          if (file === prefix) files.add(toDirectory ? posix.join(target, posix.basename(file)) : target);
          else if (file.startsWith(`${prefix}/`)) files.add(posix.join(target, file.slice(prefix.length + 1)));
        }
      }
      continue;
    }
    for (const pattern of sources) {
      const path = pattern.replace(/^\.\//, "").replace(/\/$/, "");
      if (!existsSync(join(root, path))) {
        problems.push(`Dockerfile:${instruction.line}: COPY ${pattern}: no such file in the build context`);
        continue;
      }
      if (ignored(path)) {
        problems.push(`Dockerfile:${instruction.line}: COPY ${pattern}: .dockerignore leaves it out of the context`);
        continue;
      }
      if (statSync(join(root, path)).isDirectory()) {
        for (const file of filesUnder(root, path, ignored)) files.add(posix.join(target, relative(path, file)));
      } else {
        files.add(toDirectory ? posix.join(target, posix.basename(path)) : target);
      }
    }
  }
  return files;
}

/** Files under `dir` (relative to root, `/`-separated), less those `ignored` leaves out. */
export function filesUnder(root: string, dir: string, ignored: (path: string) => boolean = () => false): string[] {
  const result: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(join(root, path), { withFileTypes: true })) {
      const child = posix.join(path, entry.name);
      if (ignored(child)) continue;
      if (entry.isDirectory()) walk(child);
      else result.push(child);
    }
  };
  if (!ignored(dir)) walk(dir);
  return result;
}
