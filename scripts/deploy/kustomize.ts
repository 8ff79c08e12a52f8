/**
 * The subset of Kustomize that deploy/ uses, rendered offline so CI can validate the manifests without a cluster or
 * a kustomize binary: `resources` (files and directories), `namespace`, `images`, `replicas` and strategic-merge
 * `patches` (with an optional `target`). A kustomization that uses anything else is refused with a message, instead
 * of being rendered differently from `kubectl kustomize` (test/deploy/kustomize.test.ts compares the two where
 * kubectl is installed).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { isObject, type Json, type JsonObject, PatchError, strategicMerge } from "./strategicMerge.ts";

export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string; labels?: Record<string, string> };
}

export class RenderError extends Error {}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const SUPPORTED_FIELDS = new Set(["apiVersion", "kind", "namespace", "resources", "images", "replicas", "patches"]);
/** Kinds that live outside namespaces, among those deploy/ may use. */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"]);
/** Kinds whose `spec.replicas` the `replicas` field sets. */
const SCALABLE = new Set(["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]);

/** Renders the kustomization in `dir` (as `kubectl kustomize dir` would, for the supported subset). */
export function renderKustomization(dir: string): KubeObject[] {
  return render(resolve(dir), []);
}

/** `Kind/name`, or `Kind/namespace/name`: how problems name an object. */
export function objectId(object: KubeObject): string {
  const namespace = object.metadata.namespace;
  return namespace ? `${object.kind}/${namespace}/${object.metadata.name}` : `${object.kind}/${object.metadata.name}`;
}

function render(dir: string, stack: string[]): KubeObject[] {
  if (stack.includes(dir)) throw new RenderError(`${dir}: kustomizations include each other in a cycle`);
  const file = KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!file) throw new RenderError(`${dir}: no kustomization.yaml`);
  const where = relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file);
  const [kustomization] = readYamlDocuments(file);
  if (!isObject(kustomization)) throw new RenderError(`${where}: is not a YAML map`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new RenderError(
        `${where}: "${field}" is not in the Kustomize subset deploy:check renders (${[...SUPPORTED_FIELDS].join(", ")}); ` +
          "use those, or teach scripts/deploy/kustomize.ts the field and compare with kubectl kustomize",
      );
    }
  }
  if (kustomization.kind !== undefined && kustomization.kind !== "Kustomization") {
    throw new RenderError(`${where}: kind must be Kustomization (components are not supported)`);
  }

  let objects: KubeObject[] = [];
  for (const entry of list(kustomization.resources, where, "resources")) {
    if (typeof entry !== "string" || /^[a-z]+:\/\//i.test(entry)) {
      throw new RenderError(`${where}: resource ${JSON.stringify(entry)} must be a local file or directory`);
    }
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new RenderError(`${where}: resource ${entry} does not exist`);
    const added = statSync(path).isDirectory() ? render(path, [...stack, dir]) : readObjects(path);
    objects = addAll(objects, added, where);
  }

  for (const [index, entry] of list(kustomization.patches, where, "patches").entries()) {
    objects = applyPatch(objects, entry, dir, `${where}: patches[${index}]`);
  }
  if (typeof kustomization.namespace === "string") {
    const namespace = kustomization.namespace;
    objects = objects.map((object) =>
      CLUSTER_SCOPED.has(object.kind) ? object : { ...object, metadata: { ...object.metadata, namespace } },
    );
  }
  for (const entry of list(kustomization.replicas, where, "replicas")) {
    if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.count !== "number") {
      throw new RenderError(`${where}: each replicas entry needs a name and a count`);
    }
    const matches = objects.filter((o) => SCALABLE.has(o.kind) && o.metadata.name === entry.name);
    if (matches.length === 0) throw new RenderError(`${where}: replicas names ${entry.name}, which is not rendered`);
    for (const object of matches) object.spec = { ...(object.spec as JsonObject), replicas: entry.count };
  }
  for (const entry of list(kustomization.images, where, "images")) {
    if (!isObject(entry) || typeof entry.name !== "string") throw new RenderError(`${where}: each image needs a name`);
    for (const object of objects) setImages(object, entry);
  }
  return objects;
}

function list(value: Json | undefined, where: string, field: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new RenderError(`${where}: ${field} must be a list`);
  return value;
}

function readYamlDocuments(file: string): Json[] {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  const result: Json[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new RenderError(`${file}: ${document.errors.map((e) => e.message).join("; ")}`);
    }
    const value = document.toJS() as Json;
    if (value !== null && value !== undefined) result.push(value);
  }
  return result;
}

function readObjects(file: string): KubeObject[] {
  return readYamlDocuments(file).map((document, index) => {
    const metadata = isObject(document) ? document.metadata : undefined;
    if (
      !isObject(document) ||
      typeof document.apiVersion !== "string" ||
      typeof document.kind !== "string" ||
      !isObject(metadata) ||
      typeof metadata.name !== "string"
    ) {
      throw new RenderError(`${file}: document ${index + 1} needs apiVersion, kind and metadata.name`);
    }
    return document as KubeObject;
  });
}

function addAll(objects: KubeObject[], added: KubeObject[], where: string): KubeObject[] {
  const ids = new Set(objects.map(identity));
  for (const object of added) {
    if (ids.has(identity(object))) throw new RenderError(`${where}: ${objectId(object)} is defined twice`);
    ids.add(identity(object));
  }
  return [...objects, ...added];
}

function identity(object: KubeObject): string {
  return `${object.apiVersion.split("/")[0]}|${object.kind}|${object.metadata.namespace ?? ""}|${object.metadata.name}`;
}

function applyPatch(objects: KubeObject[], entry: Json, dir: string, where: string): KubeObject[] {
  if (!isObject(entry)) throw new RenderError(`${where}: must be a map with path or patch`);
  const unknown = Object.keys(entry).filter((key) => !["path", "patch", "target"].includes(key));
  if (unknown.length > 0) throw new RenderError(`${where}: ${unknown.join(", ")} not supported (path, patch, target)`);
  let documents: Json[];
  if (typeof entry.path === "string") documents = readYamlDocuments(resolve(dir, entry.path));
  else if (typeof entry.patch === "string") {
    documents = parseAllDocuments(entry.patch).map((document) => document.toJS() as Json);
  } else throw new RenderError(`${where}: needs a path or an inline patch`);
  const target = entry.target;
  if (target !== undefined && !isObject(target)) throw new RenderError(`${where}: target must be a map`);

  let result = objects;
  for (const patch of documents) {
    if (Array.isArray(patch))
      throw new RenderError(`${where}: JSON 6902 patches are not supported; use a strategic merge`);
    if (!isObject(patch)) throw new RenderError(`${where}: a patch must be a YAML map`);
    const matches = result.filter((object) => (target ? matchesTarget(object, target) : matchesPatch(object, patch)));
    if (matches.length === 0) {
      const name = isObject(patch.metadata) ? patch.metadata.name : undefined;
      throw new RenderError(`${where}: no rendered object matches ${String(patch.kind)}/${String(name ?? "?")}`);
    }
    result = result.map((object) => {
      if (!matches.includes(object)) return object;
      try {
        // A patch applied by target keeps the object's identity, whatever name the patch file gives.
        const body = target ? { ...patch, metadata: { ...(patch.metadata as JsonObject), ...object.metadata } } : patch;
        return strategicMerge(object, body) as KubeObject;
      } catch (error) {
        if (error instanceof PatchError) throw new RenderError(`${where}: ${objectId(object)}${error.message}`);
        throw error;
      }
    });
  }
  return result;
}

function matchesPatch(object: KubeObject, patch: JsonObject): boolean {
  const metadata = isObject(patch.metadata) ? patch.metadata : {};
  return (
    object.kind === patch.kind &&
    object.metadata.name === metadata.name &&
    (metadata.namespace === undefined || object.metadata.namespace === metadata.namespace) &&
    (typeof patch.apiVersion !== "string" || group(object.apiVersion) === group(patch.apiVersion))
  );
}

function matchesTarget(object: KubeObject, target: JsonObject): boolean {
  for (const key of Object.keys(target)) {
    if (!["kind", "name", "namespace", "labelSelector", "group", "version"].includes(key)) {
      throw new RenderError(`target.${key} is not supported (kind, name, namespace, labelSelector, group, version)`);
    }
  }
  if (target.kind !== undefined && object.kind !== target.kind) return false;
  if (target.name !== undefined && object.metadata.name !== target.name) return false;
  if (target.namespace !== undefined && object.metadata.namespace !== target.namespace) return false;
  if (target.group !== undefined && group(object.apiVersion) !== target.group) return false;
  if (target.version !== undefined && object.apiVersion.split("/").at(-1) !== target.version) return false;
  if (typeof target.labelSelector === "string") {
    const labels = object.metadata.labels ?? {};
    for (const term of target.labelSelector.split(",").map((t) => t.trim())) {
      const [key, value] = term.split("=").map((s) => s.trim());
      if (!key || value === undefined || term.includes("!")) {
        throw new RenderError(`target.labelSelector "${term}": only key=value terms are supported`);
      }
      if (labels[key] !== value) return false;
    }
  }
  return true;
}

function group(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

/** Every container list of a workload's pod template (or a Pod's own spec). */
export function podSpecOf(object: KubeObject): JsonObject | undefined {
  const spec = object.spec;
  if (!isObject(spec)) return undefined;
  if (object.kind === "Pod") return spec;
  if (object.kind === "CronJob") {
    const job = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return job && isObject(job.template) && isObject(job.template.spec) ? job.template.spec : undefined;
  }
  return isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : undefined;
}

function setImages(object: KubeObject, entry: JsonObject): void {
  const podSpec = podSpecOf(object);
  if (!podSpec) return;
  for (const field of ["containers", "initContainers"]) {
    const containers = podSpec[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isObject(container) || typeof container.image !== "string") continue;
      const image = parseImage(container.image);
      if (image.name !== entry.name) continue;
      const name = typeof entry.newName === "string" ? entry.newName : image.name;
      if (typeof entry.digest === "string") container.image = `${name}@${entry.digest}`;
      else if (typeof entry.newTag === "string") container.image = `${name}:${entry.newTag}`;
      else container.image = `${name}${image.tag ? `:${image.tag}` : ""}${image.digest ? `@${image.digest}` : ""}`;
    }
  }
}

/** `registry:5000/team/app:1.2@sha256:…` → name, tag, digest. */
export function parseImage(reference: string): { name: string; tag?: string; digest?: string } {
  const [withTag, digest] = reference.split("@", 2) as [string, string | undefined];
  const slash = withTag.lastIndexOf("/");
  const colon = withTag.lastIndexOf(":");
  const hasTag = colon > slash;
  return {
    name: hasTag ? withTag.slice(0, colon) : withTag,
    ...(hasTag ? { tag: withTag.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}
