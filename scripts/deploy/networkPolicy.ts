/**
 * Decides, from rendered NetworkPolicies alone, whether one pod may open a connection to another (or to an address
 * outside the namespace) on a port — the semantics of `networking.k8s.io/v1`: a pod selected by no policy of a
 * direction is open in that direction; a selected pod allows only what one of its policies' rules allows; a
 * connection needs both the sender's egress and the receiver's ingress.
 *
 * The outside world ("external") is one peer: an `ipBlock` or a `namespaceSelector` rule may match it. Named ports
 * resolve against the receiving pod's container ports.
 */
import { type KubeObject, podSpecOf } from "./kustomize.ts";
import { isObject, type Json, type JsonObject } from "./strategicMerge.ts";

export interface Pod {
  /** The workload it belongs to, e.g. `Deployment/gateway`. */
  owner: string;
  namespace: string;
  labels: Record<string, string>;
  /** Container ports by name, and every number. */
  ports: Array<{ name?: string; number: number; protocol: string }>;
}

export const EXTERNAL = "external";
export type Peer = Pod | typeof EXTERNAL;

export interface Connection {
  protocol?: string;
  /** A port number; for a pod, a named port of its containers also works. */
  port: number | string;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

/** The pods the workloads will run (one per workload: replicas share labels and ports). */
export function podsOf(objects: KubeObject[]): Pod[] {
  const pods: Pod[] = [];
  for (const object of objects) {
    if (!WORKLOADS.has(object.kind)) continue;
    const spec = isObject(object.spec) ? object.spec : {};
    const template = isObject(spec.template) ? spec.template : {};
    const metadata = object.kind === "Pod" ? object.metadata : isObject(template.metadata) ? template.metadata : {};
    const podSpec = podSpecOf(object) ?? {};
    const ports: Pod["ports"] = [];
    for (const container of Array.isArray(podSpec.containers) ? podSpec.containers : []) {
      if (!isObject(container) || !Array.isArray(container.ports)) continue;
      for (const port of container.ports) {
        if (!isObject(port) || typeof port.containerPort !== "number") continue;
        ports.push({
          ...(typeof port.name === "string" ? { name: port.name } : {}),
          number: port.containerPort,
          protocol: typeof port.protocol === "string" ? port.protocol : "TCP",
        });
      }
    }
    pods.push({
      owner: `${object.kind}/${object.metadata.name}`,
      namespace: object.metadata.namespace ?? "default",
      labels: (isObject(metadata.labels) ? metadata.labels : {}) as Record<string, string>,
      ports,
    });
  }
  return pods;
}

/** Whether `selector` (a LabelSelector) selects `labels`. An empty selector selects everything. */
export function selects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return selector === undefined;
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  for (const expression of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isObject(expression) || typeof expression.key !== "string") return false;
    const values = Array.isArray(expression.values) ? expression.values : [];
    const has = expression.key in labels;
    const value = labels[expression.key];
    const ok =
      expression.operator === "In"
        ? has && values.includes(value as string)
        : expression.operator === "NotIn"
          ? !has || !values.includes(value as string)
          : expression.operator === "Exists"
            ? has
            : expression.operator === "DoesNotExist"
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** Whether a Service's selector (a plain label map) selects `labels`. A Service without one selects no pod. */
export function serviceSelects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (!isObject(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export class NetworkPolicies {
  private readonly policies: Array<{ namespace: string; spec: JsonObject }>;

  constructor(objects: KubeObject[]) {
    this.policies = objects
      .filter((o) => o.kind === "NetworkPolicy" && isObject(o.spec))
      .map((o) => ({ namespace: o.metadata.namespace ?? "default", spec: o.spec as JsonObject }));
  }

  /** Whether `from` may connect to `to` on the connection's port. */
  allows(from: Peer, to: Peer, connection: Connection): boolean {
    if (from === EXTERNAL && to === EXTERNAL) return true;
    const egress = from === EXTERNAL || this.direction(from, to, connection, "Egress");
    const ingress = to === EXTERNAL || this.direction(to, from, connection, "Ingress");
    return egress && ingress;
  }

  /** Whether any policy selects `pod` for the direction (so that it is closed but for its rules). */
  isolated(pod: Pod, type: "Ingress" | "Egress"): boolean {
    return this.selecting(pod, type).length > 0;
  }

  private selecting(pod: Pod, type: "Ingress" | "Egress") {
    return this.policies.filter(
      (policy) =>
        policy.namespace === pod.namespace &&
        selects(policy.spec.podSelector ?? {}, pod.labels) &&
        policyTypes(policy.spec).includes(type),
    );
  }

  /** `pod`'s own policies for the direction, with `other` at the far end and `to` receiving. */
  private direction(pod: Pod, other: Peer, connection: Connection, type: "Ingress" | "Egress"): boolean {
    const policies = this.selecting(pod, type);
    if (policies.length === 0) return true;
    const receiver = type === "Ingress" ? pod : other;
    const field = type === "Ingress" ? "ingress" : "egress";
    const peersField = type === "Ingress" ? "from" : "to";
    return policies.some((policy) => {
      const rules = Array.isArray(policy.spec[field]) ? (policy.spec[field] as Json[]) : [];
      return rules.some((rule) => {
        if (!isObject(rule)) return false;
        const peers = rule[peersField];
        const peerOk =
          !Array.isArray(peers) ||
          peers.length === 0 ||
          peers.some((peer) => peerMatches(peer, other, policy.namespace));
        return peerOk && portMatches(rule.ports, receiver, connection);
      });
    });
  }
}

function policyTypes(spec: JsonObject): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.filter((t): t is string => typeof t === "string");
  return Array.isArray(spec.egress) ? ["Ingress", "Egress"] : ["Ingress"];
}

function peerMatches(peer: Json, other: Peer, namespace: string): boolean {
  if (!isObject(peer)) return false;
  if (peer.ipBlock !== undefined) return other === EXTERNAL;
  if (peer.namespaceSelector !== undefined) {
    // Another namespace (or any, for an empty selector): outside what was rendered, except an empty selector, which
    // also matches this namespace's pods (by their pod selector).
    if (other === EXTERNAL) return true;
    const everyNamespace = isObject(peer.namespaceSelector) && Object.keys(peer.namespaceSelector).length === 0;
    return everyNamespace && selects(peer.podSelector ?? {}, other.labels);
  }
  if (other === EXTERNAL) return false;
  return other.namespace === namespace && selects(peer.podSelector ?? {}, other.labels);
}

function portMatches(ports: Json | undefined, receiver: Peer, connection: Connection): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  const protocol = connection.protocol ?? "TCP";
  const number =
    typeof connection.port === "number"
      ? connection.port
      : receiver === EXTERNAL
        ? undefined
        : receiver.ports.find((p) => p.name === connection.port)?.number;
  return ports.some((entry) => {
    if (!isObject(entry)) return false;
    if ((typeof entry.protocol === "string" ? entry.protocol : "TCP") !== protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === "string") {
      if (entry.port === connection.port) return true;
      const named = receiver === EXTERNAL ? undefined : receiver.ports.find((p) => p.name === entry.port);
      return named !== undefined && named.number === number;
    }
    if (typeof entry.port !== "number" || number === undefined) return false;
    const end = typeof entry.endPort === "number" ? entry.endPort : entry.port;
    return number >= entry.port && number <= end;
  });
}
