/**
 * The rendered workloads seen as the services they run: which entry point of the image a container starts, and the
 * environment it will see (image ENV, then `envFrom`, then `env`, as Kubernetes resolves it).
 */
import { basename } from "node:path";
import { type KubeObject, parseImage, podSpecOf } from "./kustomize.ts";
import { isObject, type JsonObject } from "./strategicMerge.ts";

/** The repository name of the project's image; a registry prefix is fine (`registry/…/jingan-one-graph`). */
export const IMAGE_NAME = "jingan-one-graph";

export type Entry =
  | { kind: "gateway"; files: string[] }
  | { kind: "subgraph"; name: string; files: string[] }
  | { kind: "legacy"; files: string[] }
  | { kind: "registry"; files: string[] };

export const GATEWAY_ENTRY = "gateway/main.ts";
export const SUBGRAPH_ENTRY = "scripts/subgraph.ts";
export const LEGACY_ENTRY = "legacy/cityParkingPlatform/main.ts";
/** The schema registry: `registry/cli.ts serve` (docs/registry.md). */
export const REGISTRY_ENTRY = "registry/cli.ts";

/** Which service `args` start in the image (the image's ENTRYPOINT is `node --import tsx`). */
export function entryOf(args: string[]): Entry | string {
  const [file, name] = args;
  if (file === GATEWAY_ENTRY && args.length === 1) return { kind: "gateway", files: [GATEWAY_ENTRY] };
  if (file === LEGACY_ENTRY && args.length === 1) return { kind: "legacy", files: [LEGACY_ENTRY] };
  if (file === REGISTRY_ENTRY && name === "serve" && args.length === 2) {
    return { kind: "registry", files: [REGISTRY_ENTRY] };
  }
  if (file === SUBGRAPH_ENTRY && name && args.length === 2) {
    return { kind: "subgraph", name, files: [SUBGRAPH_ENTRY, `subgraphs/${name}/index.ts`] };
  }
  return `args ${JSON.stringify(args)} start none of the image's services (${GATEWAY_ENTRY}; ${SUBGRAPH_ENTRY} <name>; ${REGISTRY_ENTRY} serve; ${LEGACY_ENTRY})`;
}

export interface Container {
  workload: KubeObject;
  /** `Deployment/gateway: container gateway` */
  where: string;
  podSpec: JsonObject;
  spec: JsonObject;
  image: string;
  ours: boolean;
}

export function containersOf(objects: KubeObject[]): Container[] {
  const result: Container[] = [];
  for (const workload of objects) {
    const podSpec = podSpecOf(workload);
    if (!podSpec) continue;
    for (const field of ["initContainers", "containers"]) {
      const list = podSpec[field];
      if (!Array.isArray(list)) continue;
      for (const spec of list) {
        if (!isObject(spec)) continue;
        const image = typeof spec.image === "string" ? spec.image : "";
        result.push({
          workload,
          where: `${workload.kind}/${workload.metadata.name}: container ${String(spec.name)}`,
          podSpec,
          spec,
          image,
          ours: basename(parseImage(image).name) === IMAGE_NAME,
        });
      }
    }
  }
  return result;
}

export interface EnvValue {
  value?: string;
  secret?: { name: string; key: string };
  configMap?: { name: string; key: string };
  /** Where the name comes from: `env`, `envFrom configMap x`, `image ENV`, `fieldRef` … */
  source: string;
}

/** The environment a container sees, with the problems of references that cannot resolve. */
export function resolveEnv(
  container: Container,
  objects: KubeObject[],
  imageEnv: Map<string, string>,
): { env: Map<string, EnvValue>; problems: string[] } {
  const env = new Map<string, EnvValue>();
  const problems: string[] = [];
  if (container.ours) for (const [name, value] of imageEnv) env.set(name, { value, source: "image ENV" });
  for (const from of Array.isArray(container.spec.envFrom) ? container.spec.envFrom : []) {
    if (!isObject(from)) continue;
    const prefix = typeof from.prefix === "string" ? from.prefix : "";
    if (isObject(from.configMapRef) && typeof from.configMapRef.name === "string") {
      const name = from.configMapRef.name;
      const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
      if (!configMap) {
        problems.push(`envFrom names ConfigMap ${name}, which is not rendered`);
        continue;
      }
      for (const [key, value] of Object.entries(isObject(configMap.data) ? configMap.data : {})) {
        env.set(prefix + key, { value: String(value), configMap: { name, key }, source: `ConfigMap ${name}` });
      }
    } else if (isObject(from.secretRef)) {
      problems.push(
        `envFrom secretRef ${String(from.secretRef.name)} hides which variables it sets; use env with secretKeyRef`,
      );
    }
  }
  for (const entry of Array.isArray(container.spec.env) ? container.spec.env : []) {
    if (!isObject(entry) || typeof entry.name !== "string") continue;
    if (typeof entry.value === "string") {
      env.set(entry.name, { value: entry.value, source: "env" });
      continue;
    }
    const from = isObject(entry.valueFrom) ? entry.valueFrom : {};
    if (isObject(from.secretKeyRef)) {
      env.set(entry.name, {
        secret: { name: String(from.secretKeyRef.name), key: String(from.secretKeyRef.key) },
        source: `Secret ${String(from.secretKeyRef.name)}`,
      });
    } else if (isObject(from.configMapKeyRef)) {
      const name = String(from.configMapKeyRef.name);
      const key = String(from.configMapKeyRef.key);
      const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
      const data = configMap && isObject(configMap.data) ? configMap.data : undefined;
      if (!data || typeof data[key] !== "string")
        problems.push(`${entry.name} names ConfigMap ${name} key ${key}, which is not rendered`);
      env.set(entry.name, {
        ...(data && typeof data[key] === "string" ? { value: data[key] } : {}),
        configMap: { name, key },
        source: `ConfigMap ${name}`,
      });
    } else {
      env.set(entry.name, { source: "fieldRef" });
    }
  }
  return { env, problems };
}

/** The values a service's configuration code will parse; a Secret's value stands in as a placeholder. */
export const SECRET_PLACEHOLDER = "value-from-a-kubernetes-secret";

export function plainEnv(env: Map<string, EnvValue>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of env) {
    result[name] =
      value.value ??
      (/DATABASE_URL$/.test(name)
        ? `postgresql://${SECRET_PLACEHOLDER}@postgres/${SECRET_PLACEHOLDER}`
        : SECRET_PLACEHOLDER);
  }
  return result;
}
