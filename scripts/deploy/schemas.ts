/**
 * Validates rendered objects against the Kubernetes API's OpenAPI schemas, through `kubernetes-models` (its
 * validators are compiled from the official schemas). Those schemas allow unknown fields, which the API server's
 * strict field validation refuses (`kubectl apply` fails on `replica: 2`), so this module also reports every field
 * the schema does not know: it watches which properties the compiled validator reads, and a property it never reads
 * is not in the schema. Free-form maps (labels, ConfigMap data) are read by iterating, so their keys are known.
 * Also checked, because the API server checks them beyond the schema: object, container, port and label names.
 */

import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { type KubeObject, podSpecOf } from "./kustomize.ts";
import { isObject } from "./strategicMerge.ts";

interface ModelClass {
  prototype: { validate(this: unknown): void };
}

/** The kinds deploy/ may use. Another kind is a problem until it is added here (so it is validated). */
const MODELS: Record<string, ModelClass> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

export const VALIDATED_KINDS = Object.keys(MODELS);

/** Problems of one object against the schema of its kind, each with the path of the field. */
export function schemaProblems(object: KubeObject): string[] {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) {
    return [`${object.apiVersion} ${object.kind} is not a kind deploy:check validates (${VALIDATED_KINDS.join(", ")})`];
  }
  const problems: string[] = [];
  const watched = watch(object);
  try {
    model.prototype.validate.call(watched.proxy);
  } catch (error) {
    const errors = (error as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (errors) problems.push(...errors.map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`));
    else problems.push((error as Error).message);
  }
  for (const node of watched.nodes) {
    // Never looked at: a free-form value (or an unknown field, reported at its parent).
    if (node.iterated || node.read.size === 0) continue;
    for (const key of Object.keys(node.value)) {
      if (!node.read.has(key)) problems.push(`${node.path}/${key} is not a field of ${object.kind} (a typo?)`);
    }
  }
  problems.push(...nameProblems(object));
  return problems;
}

interface WatchedNode {
  path: string;
  value: Record<string, unknown>;
  read: Set<string>;
  iterated: boolean;
}

function watch(root: unknown): { proxy: unknown; nodes: WatchedNode[] } {
  const nodes: WatchedNode[] = [];
  const wrap = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => wrap(item, `${path}/${index}`));
    if (!isObject(value)) return value;
    const node: WatchedNode = { path, value, read: new Set(), iterated: false };
    nodes.push(node);
    const children = new Map(Object.entries(value).map(([key, child]) => [key, wrap(child, `${path}/${key}`)]));
    return new Proxy(value, {
      get(target, key) {
        if (typeof key !== "string") return Reflect.get(target, key);
        node.read.add(key);
        return children.has(key) ? children.get(key) : Reflect.get(target, key);
      },
      has(target, key) {
        if (typeof key === "string") node.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        node.iterated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  return { proxy: wrap(root, ""), nodes };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** What the API server checks beyond the OpenAPI schema, for the names deploy/ uses. */
function nameProblems(object: KubeObject): string[] {
  const problems: string[] = [];
  const name = object.metadata.name;
  if (object.kind === "Service" || object.kind === "Namespace") {
    if (!DNS_1035_LABEL.test(name) || name.length > 63) problems.push(`/metadata/name "${name}" must be a DNS label`);
  } else if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    problems.push(`/metadata/name "${name}" must be a DNS subdomain`);
  }
  const labelSets: Array<[string, unknown]> = [["/metadata/labels", object.metadata.labels]];
  const template = isObject(object.spec) && isObject(object.spec.template) ? object.spec.template : undefined;
  if (template && isObject(template.metadata))
    labelSets.push(["/spec/template/metadata/labels", template.metadata.labels]);
  for (const [path, labels] of labelSets) {
    if (!isObject(labels)) continue;
    for (const [key, value] of Object.entries(labels)) {
      if (!LABEL_NAME.test(key)) problems.push(`${path}: "${key}" is not a valid label name`);
      if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
        problems.push(`${path}/${key}: ${JSON.stringify(value)} is not a valid label value`);
      }
    }
  }
  const podSpec = podSpecOf(object);
  for (const field of ["containers", "initContainers"]) {
    const containers = podSpec?.[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isObject(container)) continue;
      const containerName = String(container.name);
      if (!DNS_LABEL.test(containerName) || containerName.length > 63) {
        problems.push(`container "${containerName}" must be named with a DNS label`);
      }
      for (const port of Array.isArray(container.ports) ? container.ports : []) {
        if (isObject(port) && typeof port.name === "string" && (!PORT_NAME.test(port.name) || port.name.length > 15)) {
          problems.push(
            `container ${containerName}: port name "${port.name}" must be 1-15 lower-case letters, digits, -`,
          );
        }
      }
    }
  }
  return problems;
}
