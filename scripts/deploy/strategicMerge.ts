/**
 * Strategic merge patch, the part Kustomize applies to the objects in deploy/: maps merge key by key, `null` deletes
 * a key, and the lists Kubernetes declares with a merge key (containers by name, env by name, volume mounts by mount
 * path, …) merge item by item; every other list is replaced. `$patch: delete` removes a list item or a map;
 * `$patch: replace` replaces a map. Any other `$` directive is refused rather than guessed.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The list fields of the Kubernetes API that merge by a key (`patchMergeKey` in the API's Go types). */
const MERGE_KEYS: Record<string, (item: JsonObject) => string> = {
  containers: () => "name",
  initContainers: () => "name",
  ephemeralContainers: () => "name",
  env: () => "name",
  volumes: () => "name",
  volumeMounts: () => "mountPath",
  volumeDevices: () => "devicePath",
  imagePullSecrets: () => "name",
  hostAliases: () => "ip",
  topologySpreadConstraints: () => "topologyKey",
  conditions: () => "type",
  // Container ports merge by containerPort, Service ports by port.
  ports: (item) => ("containerPort" in item ? "containerPort" : "port"),
};

export class PatchError extends Error {}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** Returns `target` with `patch` merged in (neither argument is changed). */
export function strategicMerge(target: JsonObject, patch: JsonObject, path = ""): JsonObject {
  const directive = patch.$patch;
  if (directive === "replace") return withoutDirectives(patch) as JsonObject;
  if (directive !== undefined)
    throw new PatchError(`${path || "/"}: "$patch: ${String(directive)}" is not supported here`);
  const result = clone(target);
  for (const [key, value] of Object.entries(patch)) {
    const at = `${path}/${key}`;
    if (key.startsWith("$")) throw new PatchError(`${at}: the directive "${key}" is not supported`);
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (isObject(value) && value.$patch === "delete") {
      delete result[key];
    } else if (isObject(value) && isObject(current)) {
      result[key] = strategicMerge(current, value, at);
    } else if (Array.isArray(value) && Array.isArray(current) && key in MERGE_KEYS) {
      result[key] = mergeList(key, current, value, at);
    } else {
      result[key] = withoutDirectives(value);
    }
  }
  return result;
}

function mergeList(field: string, current: Json[], patch: Json[], path: string): Json[] {
  const mergeKeyOf = MERGE_KEYS[field] as (item: JsonObject) => string;
  // Kustomize's order: the patch's items first, in the patch's order (merged into their originals where those
  // exist), then the original items the patch does not mention.
  const merged: Json[] = [];
  const mentioned = new Set<number>();
  for (const [index, item] of patch.entries()) {
    if (!isObject(item)) throw new PatchError(`${path}/${index}: a ${field} entry must be an object`);
    const mergeKey = mergeKeyOf(item);
    const id = item[mergeKey];
    if (id === undefined) throw new PatchError(`${path}/${index}: a ${field} entry in a patch needs its "${mergeKey}"`);
    const at = current.findIndex((existing) => isObject(existing) && existing[mergeKey] === id);
    if (at >= 0) mentioned.add(at);
    if (item.$patch === "delete") continue;
    merged.push(
      at >= 0 ? strategicMerge(current[at] as JsonObject, item, `${path}/${String(id)}`) : withoutDirectives(item),
    );
  }
  return [...merged, ...current.filter((_, index) => !mentioned.has(index)).map((item) => clone(item))];
}

function withoutDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutDirectives);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) if (key !== "$patch") result[key] = withoutDirectives(item);
  return result;
}
