/**
 * The rules a rendered deployment must meet beyond the Kubernetes schemas: the gateway's availability and graceful
 * termination, a Deployment and a Service for every subgraph of the registry, pod security, configuration that the
 * services' own config code accepts (and only variables the code reads), Secrets by reference only, and
 * NetworkPolicies that allow exactly the connections the services make.
 */

import { loadGatewayConfig } from "../../gateway/config.ts";
import { ConfigError } from "../../lib/config.ts";
import { DEFAULT_PUBLIC_ORIGIN } from "../../lib/publicOrigin.ts";
import { loadRegistryConfig } from "../../registry/config.ts";
import { auditOptionsFromEnvironment } from "../../subgraphs/audit/options.ts";
import { loadSubgraphConfig } from "../../subgraphs/kit/config.ts";
import { type KubeObject, objectId, parseImage } from "./kustomize.ts";
import {
  type Connection,
  EXTERNAL,
  NetworkPolicies,
  type Peer,
  type Pod,
  podsOf,
  selects,
  serviceSelects,
} from "./networkPolicy.ts";
import { isObject, type Json } from "./strategicMerge.ts";
import {
  type Container,
  containersOf,
  type Entry,
  type EnvValue,
  entryOf,
  IMAGE_NAME,
  plainEnv,
  resolveEnv,
} from "./workloads.ts";

export interface Project {
  version: string;
  subgraphs: Array<{ name: string; defaultPort: number }>;
  /** ENV of the image's runtime stage. */
  imageEnv: Map<string, string>;
  /** The image's numeric USER, when it has one. */
  imageUser: number | undefined;
  /** Environment variable names the code of an entry point reads. */
  envNamesFor(entry: Entry): Set<string>;
  /** Secret names docs/deploy.md tells the operator to create. */
  documentedSecrets: Set<string>;
}

export interface Render {
  /** base, development, production */
  name: string;
  objects: KubeObject[];
  /** Whether it runs on its own (an overlay): connectivity is then checked too. */
  complete: boolean;
  production: boolean;
}

/** Read by Node libraries (Apollo Server, graphql-js) whatever our code does. */
/** Read by Node itself, not by the services' code. */
const PLATFORM_VARIABLES = new Set(["NODE_ENV", "NODE_OPTIONS"]);
/** Variables whose value is a credential: only ever from a Secret. */
const SENSITIVE = /(^|_)(SECRET|PASSWORD|PRIVATE_KEY|DATABASE_URL)$/;
/** The services' routes for the probes (gateway/server.ts, subgraphs/kit/service.ts, the legacy platform). */
const GATEWAY_READINESS = "/readyz";
const GATEWAY_LIVENESS = "/healthz";
/** The registry's port (registry/config.ts). */
const REGISTRY_PORT = 4110;
/** Flows by design that no environment variable names yet: the gateway's shared limits live in Redis (issue 14). */
const DESIGNED_FLOWS = [{ from: "gateway", service: "redis", port: 6379, why: "shared rate limits and quotas" }];

export function manifestProblems(render: Render, project: Project): string[] {
  const problems: string[] = [];
  const { objects } = render;
  const containers = containersOf(objects);
  const report = (where: string, message: string) => problems.push(`${where}: ${message}`);

  problems.push(...duplicateProblems(objects));
  for (const object of objects) {
    if (object.kind === "Secret") {
      const data = {
        ...(isObject(object.data) ? object.data : {}),
        ...(isObject(object.stringData) ? object.stringData : {}),
      };
      if (Object.keys(data).length > 0) {
        report(objectId(object), "a Secret with values is committed; reference it and let the operator create it");
      }
    }
    if (object.kind === "Namespace") {
      const labels = object.metadata.labels ?? {};
      if (labels["pod-security.kubernetes.io/enforce"] !== "restricted") {
        report(
          objectId(object),
          'enforce the restricted Pod Security Standard (label pod-security.kubernetes.io/enforce: "restricted")',
        );
      }
    }
  }

  const environments = new Map<Container, Map<string, EnvValue>>();
  for (const container of containers) {
    const { env, problems: envProblems } = resolveEnv(container, objects, project.imageEnv);
    environments.set(container, env);
    for (const message of envProblems) report(container.where, message);
    for (const message of securityProblems(container, project)) report(container.where, message);
    for (const message of probeProblems(container)) report(container.where, message);
    for (const [name, value] of env) {
      if (SENSITIVE.test(name) && !value.secret)
        report(container.where, `${name} is a credential: take it from a Secret (secretKeyRef)`);
      if (value.secret && !project.documentedSecrets.has(value.secret.name)) {
        report(container.where, `Secret ${value.secret.name} is not in docs/deploy.md's list of Secrets to create`);
      }
    }
    if (!container.ours) {
      const args = Array.isArray(container.spec.args) ? container.spec.args.map(String) : [];
      if (typeof entryOf(args) !== "string") {
        report(
          container.where,
          `runs ${args[0]} from image ${container.image}: name the project's image …/${IMAGE_NAME}`,
        );
      }
      const image = parseImage(container.image);
      if (!image.digest && (!image.tag || image.tag === "latest"))
        report(container.where, `pin ${container.image} to a version`);
      continue;
    }
    for (const message of serviceProblems(container, env, render, project)) report(container.where, message);
  }

  problems.push(...gatewayProblems(render, containers, environments));
  problems.push(...subgraphCoverageProblems(render, project));
  problems.push(...registryProblems(render, containers, environments));
  if (render.complete) problems.push(...networkProblems(render, containers, environments));
  return problems;
}

function duplicateProblems(objects: KubeObject[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const object of objects) {
    const id = objectId(object);
    if (seen.has(id)) problems.push(`${id}: defined twice`);
    seen.add(id);
  }
  return problems;
}

function securityProblems(container: Container, project: Project): string[] {
  const problems: string[] = [];
  const pod = isObject(container.podSpec.securityContext) ? container.podSpec.securityContext : {};
  const own = isObject(container.spec.securityContext) ? container.spec.securityContext : {};
  const setting = (key: string): Json | undefined => own[key] ?? pod[key];
  if (setting("runAsNonRoot") !== true) problems.push("set runAsNonRoot: true");
  const user = setting("runAsUser");
  if (user === 0) problems.push("runAsUser 0 is root");
  if (container.ours && project.imageUser !== undefined && user !== undefined && user !== project.imageUser) {
    problems.push(`runAsUser ${String(user)} differs from the image's USER ${project.imageUser}`);
  }
  const seccomp = setting("seccompProfile");
  if (!isObject(seccomp) || (seccomp.type !== "RuntimeDefault" && seccomp.type !== "Localhost")) {
    problems.push("set seccompProfile type RuntimeDefault");
  }
  if (own.allowPrivilegeEscalation !== false) problems.push("set allowPrivilegeEscalation: false");
  if (own.privileged === true) problems.push("must not be privileged");
  if (own.readOnlyRootFilesystem !== true)
    problems.push("set readOnlyRootFilesystem: true (mount an emptyDir where it writes)");
  const capabilities = isObject(own.capabilities) ? own.capabilities : {};
  if (!Array.isArray(capabilities.drop) || !capabilities.drop.includes("ALL")) problems.push("drop ALL capabilities");
  if (Array.isArray(capabilities.add) && capabilities.add.length > 0) problems.push("must not add capabilities");
  const resources = isObject(container.spec.resources) ? container.spec.resources : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  const limits = isObject(resources.limits) ? resources.limits : {};
  if (requests.cpu === undefined || requests.memory === undefined) problems.push("request cpu and memory");
  if (limits.memory === undefined) problems.push("limit memory");
  if (container.podSpec.automountServiceAccountToken !== false) {
    problems.push("set automountServiceAccountToken: false (no service talks to the Kubernetes API)");
  }
  if (container.ours && container.podSpec.enableServiceLinks !== false) {
    problems.push(
      "set enableServiceLinks: false: Kubernetes would inject AUDIT_PORT=tcp://… for Service audit, which the audit subgraph reads as its PORT",
    );
  }
  return problems;
}

function containerPort(container: Container, port: Json | undefined): number | undefined {
  const ports = Array.isArray(container.spec.ports) ? container.spec.ports.filter(isObject) : [];
  const found = ports.find((p) => (typeof port === "number" ? p.containerPort === port : p.name === port));
  return typeof found?.containerPort === "number" ? found.containerPort : undefined;
}

function probeProblems(container: Container): string[] {
  const problems: string[] = [];
  for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"]) {
    const probe = container.spec[kind];
    if (probe === undefined && kind !== "startupProbe") {
      problems.push(`no ${kind}`);
      continue;
    }
    if (!isObject(probe)) continue;
    const action = isObject(probe.httpGet) ? probe.httpGet : isObject(probe.tcpSocket) ? probe.tcpSocket : undefined;
    if (action && containerPort(container, action.port) === undefined) {
      problems.push(`${kind} probes port ${String(action.port)}, which no container port is`);
    }
    if (!action && !isObject(probe.exec) && !isObject(probe.grpc)) problems.push(`${kind} has no action`);
  }
  return problems;
}

function httpPath(container: Container, kind: string): string | undefined {
  const probe = container.spec[kind];
  return isObject(probe) && isObject(probe.httpGet) && typeof probe.httpGet.path === "string"
    ? probe.httpGet.path
    : undefined;
}

/** Entry point, variables and configuration of a container that runs the project's image. */
function serviceProblems(container: Container, env: Map<string, EnvValue>, render: Render, project: Project): string[] {
  const problems: string[] = [];
  if (container.spec.command !== undefined)
    problems.push("must not set command: it replaces the image's `node --import tsx`");
  const args = Array.isArray(container.spec.args) ? container.spec.args.map(String) : [];
  const entry = entryOf(args);
  if (typeof entry === "string") return [...problems, entry];
  if (entry.kind === "subgraph" && !project.subgraphs.some((s) => s.name === entry.name)) {
    return [...problems, `runs subgraph "${entry.name}", which subgraphs/registry.ts does not list`];
  }

  const read = project.envNamesFor(entry);
  for (const [name, value] of env) {
    if (value.source === "image ENV") continue;
    if (!read.has(name) && !PLATFORM_VARIABLES.has(name)) {
      problems.push(`sets ${name} (${value.source}), which the code of ${entry.files.join(" + ")} never reads`);
    }
  }
  const values = plainEnv(env);
  const host = values.HOST;
  if (host !== "0.0.0.0" && host !== "::")
    problems.push(`HOST is ${host ?? "unset (127.0.0.1)"}: set 0.0.0.0 so that the pod's address answers`);
  if (render.production && values.NODE_ENV !== "production") problems.push("NODE_ENV must be production in production");
  if (render.production && !parseImage(container.image).digest && parseImage(container.image).tag !== project.version) {
    problems.push(
      `image ${container.image}: tag it with the version in package.json (${project.version}), never latest`,
    );
  }

  const listenPort = (port: number | undefined) => {
    const declared = containerPort(container, "http");
    if (declared === undefined) problems.push('name the service port "http"');
    else if (port !== declared) problems.push(`listens on ${String(port)} but the container port http is ${declared}`);
  };
  try {
    if (entry.kind === "gateway") {
      const config = loadGatewayConfig(values);
      listenPort(config.PORT);
    } else if (entry.kind === "subgraph") {
      const module = project.subgraphs.find((s) => s.name === entry.name) as Project["subgraphs"][number];
      const config = loadSubgraphConfig(module.name, module.defaultPort, scoped(values, module.name));
      listenPort(config.PORT);
      if (config.PORT !== module.defaultPort)
        problems.push(`listens on ${config.PORT}, not its registry port ${module.defaultPort}`);
      if (!config.DATABASE_URL)
        problems.push("set DATABASE_URL: no embedded database in Kubernetes (read-only file system)");
      if (render.production && config.SEED)
        problems.push("SEED must be false in production: the seeds hold published development accounts");
      // The identity module refuses the public development secret in production (subgraphs/identity/index.ts).
      if (
        module.name === "identity" &&
        values.NODE_ENV === "production" &&
        !env.get("IDENTITY_KEY_ENCRYPTION_SECRET")?.secret
      ) {
        problems.push("production mode needs IDENTITY_KEY_ENCRYPTION_SECRET from a Secret");
      }
      if (module.name === "audit") auditOptionsFromEnvironment(values);
      if (
        module.name === "identity" &&
        values.NODE_ENV === "production" &&
        !env.get("OIDC_PORTAL_CLIENT_SECRET")?.secret
      ) {
        problems.push(
          "production mode needs OIDC_PORTAL_CLIENT_SECRET (the portal's OpenID Connect client) from a Secret",
        );
      }
    } else if (entry.kind === "registry") {
      const config = loadRegistryConfig(values);
      listenPort(config.PORT);
      if (!config.DATABASE_URL) {
        problems.push("set DATABASE_URL: no embedded database in Kubernetes (read-only file system)");
      }
      // Without its key the registry can deliver no manifest and register no trusted operation (docs/registry.md).
      if (!env.get("ENVELOPE_PRIVATE_KEY")?.secret) problems.push("set ENVELOPE_PRIVATE_KEY from a Secret");
      for (const name of ["IDENTITY_URL", "CATALOG_URL"]) {
        if (!env.get(name)?.value) problems.push(`set ${name}: the registry delivers manifests there`);
      }
    } else {
      if (render.production) problems.push("the city parking platform simulator does not belong in production");
      listenPort(Number(values.PORT ?? 4199));
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A Secret's value is unknown here (the service checks it when it starts); everything else is judged.
    const fromSecrets = [...env].filter(([, value]) => value.secret).map(([name]) => name);
    const judged = error.problems.filter((p) => !fromSecrets.some((name) => p.startsWith(`${name}:`)));
    problems.push(...judged.map((p) => `configuration: ${p}`));
  }
  return problems;
}

/** scripts/subgraph.ts: `HEALTH_PORT` overrides `PORT` for the health subgraph. */
function scoped(values: Record<string, string>, name: string): Record<string, string> {
  const prefix = `${name.toUpperCase()}_`;
  const result = { ...values };
  for (const [key, value] of Object.entries(values))
    if (key.startsWith(prefix)) result[key.slice(prefix.length)] = value;
  return result;
}

function workload(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The container of a workload that runs the project's image. */
function imageContainer(containers: Container[], of: KubeObject | undefined): Container | undefined {
  return of ? containers.find((c) => c.workload === of && c.ours) : undefined;
}

function gatewayProblems(
  render: Render,
  containers: Container[],
  environments: Map<Container, Map<string, EnvValue>>,
): string[] {
  const problems: string[] = [];
  const deployment = workload(render.objects, "Deployment", "gateway");
  if (!deployment) return ["Deployment/gateway: missing"];
  const where = objectId(deployment);
  const container = imageContainer(containers, deployment);
  if (!container) return [`${where}: no container runs the image`];
  if (httpPath(container, "readinessProbe") !== GATEWAY_READINESS)
    problems.push(`${where}: readiness must probe ${GATEWAY_READINESS}`);
  if (httpPath(container, "livenessProbe") !== GATEWAY_LIVENESS)
    problems.push(`${where}: liveness must probe ${GATEWAY_LIVENESS}`);

  // Graceful termination: the pod leaves the endpoints during preStop, then drains for SHUTDOWN_GRACE_MS.
  const lifecycle = isObject(container.spec.lifecycle) ? container.spec.lifecycle : {};
  const preStop = isObject(lifecycle.preStop) ? lifecycle.preStop : {};
  const command = isObject(preStop.exec) && Array.isArray(preStop.exec.command) ? preStop.exec.command : [];
  const sleep = isObject(preStop.sleep)
    ? Number(preStop.sleep.seconds)
    : command[0] === "sleep"
      ? Number(command[1])
      : Number.NaN;
  if (!(sleep > 0)) problems.push(`${where}: add a preStop sleep so that endpoints drain before SIGTERM`);
  let graceMs = 10_000;
  try {
    graceMs = loadGatewayConfig(plainEnv(environments.get(container) ?? new Map())).SHUTDOWN_GRACE_MS;
  } catch {
    // reported with the container's configuration
  }
  const termination = Number(container.podSpec.terminationGracePeriodSeconds ?? 30);
  if (!(termination * 1000 > (sleep || 0) * 1000 + graceMs)) {
    problems.push(
      `${where}: terminationGracePeriodSeconds ${termination} must exceed the preStop sleep (${sleep || 0} s) plus SHUTDOWN_GRACE_MS (${graceMs} ms)`,
    );
  }

  const spec = isObject(deployment.spec) ? deployment.spec : {};
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const template = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata : {};
  const podLabels = (isObject(template.labels) ? template.labels : {}) as Record<string, string>;
  const hpa = render.objects.find(
    (o) =>
      o.kind === "HorizontalPodAutoscaler" &&
      isObject(o.spec) &&
      isObject(o.spec.scaleTargetRef) &&
      o.spec.scaleTargetRef.kind === "Deployment" &&
      o.spec.scaleTargetRef.name === "gateway",
  );
  const minReplicas = hpa && isObject(hpa.spec) && typeof hpa.spec.minReplicas === "number" ? hpa.spec.minReplicas : 1;
  if (!hpa) problems.push(`${where}: no HorizontalPodAutoscaler scales it`);
  else {
    const metrics = isObject(hpa.spec) && Array.isArray(hpa.spec.metrics) ? hpa.spec.metrics : [];
    const onCpu = metrics.some((m) => isObject(m) && isObject(m.resource) && m.resource.name === "cpu");
    if (!onCpu) problems.push(`${objectId(hpa)}: scale on CPU`);
    const requests =
      isObject(container.spec.resources) && isObject(container.spec.resources.requests)
        ? container.spec.resources.requests
        : {};
    if (requests.cpu === undefined)
      problems.push(`${where}: a CPU request is what the autoscaler's utilisation is measured against`);
    if (minReplicas > replicas)
      problems.push(`${where}: replicas ${replicas} is below the autoscaler's minimum ${minReplicas}`);
  }
  if (render.production) {
    if (replicas < 2) problems.push(`${where}: production runs at least 2 gateway replicas (has ${replicas})`);
    if (hpa && minReplicas < 2) problems.push(`${objectId(hpa)}: minReplicas must be at least 2 in production`);
  }
  const pdb = render.objects.find(
    (o) => o.kind === "PodDisruptionBudget" && isObject(o.spec) && selects(o.spec.selector, podLabels),
  );
  if (!pdb) problems.push(`${where}: no PodDisruptionBudget covers its pods`);
  else if (
    isObject(pdb.spec) &&
    typeof pdb.spec.minAvailable === "number" &&
    pdb.spec.minAvailable >= Math.max(replicas, minReplicas)
  ) {
    problems.push(
      `${objectId(pdb)}: minAvailable ${pdb.spec.minAvailable} leaves no pod that may be evicted (node drains would hang)`,
    );
  }
  return problems;
}

/**
 * The schema registry (docs/registry.md): a Deployment and a Service on its port, and gateways that know where it is.
 * Its connections (gateways in; identity, catalog and PostgreSQL out) follow from the URLs and are checked with the
 * NetworkPolicies like every other.
 */
function registryProblems(
  render: Render,
  containers: Container[],
  environments: Map<Container, Map<string, EnvValue>>,
) {
  const problems: string[] = [];
  const deployment = workload(render.objects, "Deployment", "registry");
  const service = workload(render.objects, "Service", "registry");
  if (!deployment) problems.push("Deployment/registry: missing (the schema registry, docs/registry.md)");
  if (!service) problems.push("Service/registry: missing (gateways and departments reach the registry through it)");
  if (deployment && !imageContainer(containers, deployment)) {
    problems.push(`${objectId(deployment)}: no container runs the image`);
  }
  if (service && isObject(service.spec)) {
    const ports = Array.isArray(service.spec.ports) ? service.spec.ports.filter(isObject) : [];
    if (!ports.some((p) => p.port === REGISTRY_PORT))
      problems.push(`${objectId(service)}: expose port ${REGISTRY_PORT}`);
  }
  problems.push(...publicOriginProblems(render, containers, environments));
  const gateway = workload(render.objects, "Deployment", "gateway");
  const gatewayContainer = imageContainer(containers, gateway);
  const registryUrl = gatewayContainer ? environments.get(gatewayContainer)?.get("REGISTRY_URL")?.value : undefined;
  if (gateway && !registryUrl) {
    problems.push(`${objectId(gateway)}: set REGISTRY_URL (http://registry:${REGISTRY_PORT}): field usage goes there`);
  }
  return problems;
}

/**
 * Single sign-on holds only when identity, the gateway and the registry share one PUBLIC_ORIGIN: identity issues as
 * `<PUBLIC_ORIGIN>/oidc`, the other two accept exactly that issuer. Production serves it over TLS, never at the
 * development default.
 */
function publicOriginProblems(
  render: Render,
  containers: Container[],
  environments: Map<Container, Map<string, EnvValue>>,
): string[] {
  const problems: string[] = [];
  const origins = new Map<string, string | undefined>();
  for (const name of ["gateway", "identity", "registry"]) {
    const deployment = workload(render.objects, "Deployment", name);
    const container = imageContainer(containers, deployment);
    if (!deployment || !container) continue;
    const origin = environments.get(container)?.get("PUBLIC_ORIGIN")?.value;
    origins.set(name, origin);
    if (!origin) {
      problems.push(
        `${objectId(deployment)}: set PUBLIC_ORIGIN (the public-origin ConfigMap): single sign-on needs it`,
      );
    } else if (render.production && (!origin.startsWith("https://") || origin === DEFAULT_PUBLIC_ORIGIN)) {
      problems.push(`${objectId(deployment)}: PUBLIC_ORIGIN ${origin} is not the site's https origin`);
    }
  }
  if (new Set([...origins.values()].filter(Boolean)).size > 1) {
    problems.push(
      `gateway, identity and registry name different PUBLIC_ORIGINs: tokens of one would be refused by another`,
    );
  }
  return problems;
}

function subgraphCoverageProblems(render: Render, project: Project): string[] {
  const problems: string[] = [];
  for (const module of project.subgraphs) {
    const deployment = workload(render.objects, "Deployment", module.name);
    const service = workload(render.objects, "Service", module.name);
    if (!deployment)
      problems.push(`Deployment/${module.name}: missing for subgraph ${module.name} (subgraphs/registry.ts)`);
    if (!service) problems.push(`Service/${module.name}: missing for subgraph ${module.name}`);
    if (!deployment || !service || !isObject(service.spec)) continue;
    const pods = podsOf([deployment]);
    const selector = service.spec.selector;
    if (!pods.every((pod) => serviceSelects(selector, pod.labels))) {
      problems.push(`${objectId(service)}: its selector does not select the pods of ${objectId(deployment)}`);
    }
    if ((pods[0]?.labels["app.kubernetes.io/component"] ?? "") !== "subgraph") {
      problems.push(
        `${objectId(deployment)}: label its pods app.kubernetes.io/component: subgraph (the NetworkPolicies select that)`,
      );
    }
    const ports = Array.isArray(service.spec.ports) ? service.spec.ports.filter(isObject) : [];
    if (!ports.some((p) => p.port === module.defaultPort)) {
      problems.push(
        `${objectId(service)}: expose port ${module.defaultPort}, the subgraph's port in the supergraph and the gateway's SUBGRAPH_URLS`,
      );
    }
  }
  return problems;
}

interface Flow {
  from: Peer;
  to: Peer;
  connection: Connection;
  why: string;
}

function owner(peer: Peer): string {
  return peer === EXTERNAL ? "outside the namespace" : peer.owner;
}

/**
 * Variables holding an address the service names, not one it connects to: PUBLIC_ORIGIN is where browsers reach the
 * platform (through the ingress), which the services write into tokens and check in them.
 */
const ADDRESSES_NOT_CONNECTIONS = new Set(["PUBLIC_ORIGIN"]);

/** What a URL in the environment connects to: pods behind a Service, or the outside. */
function targetsOf(url: string, render: Render, pods: Pod[]): { peers: Peer[]; port: number } | string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return `"${url}" is not a URL`;
  const defaults: Record<string, number> = {
    "http:": 80,
    "https:": 443,
    "postgres:": 5432,
    "postgresql:": 5432,
    "redis:": 6379,
  };
  const port = parsed.port ? Number(parsed.port) : (defaults[parsed.protocol] ?? 0);
  const host = parsed.hostname;
  const service = render.objects.find((o) => {
    if (o.kind !== "Service") return false;
    const namespace = o.metadata.namespace ?? "default";
    const names = [o.metadata.name, `${o.metadata.name}.${namespace}`, `${o.metadata.name}.${namespace}.svc`];
    return names.includes(host) || host === `${o.metadata.name}.${namespace}.svc.cluster.local`;
  });
  if (!service || !isObject(service.spec)) {
    return host.includes(".") ? { peers: [EXTERNAL], port } : `${url} names host ${host}, which no Service is`;
  }
  if (service.spec.type === "ExternalName") return { peers: [EXTERNAL], port };
  const servicePort = (Array.isArray(service.spec.ports) ? service.spec.ports.filter(isObject) : []).find(
    (p) => p.port === port,
  );
  if (!servicePort) return `${url}: ${objectId(service)} has no port ${port}`;
  const selector = service.spec.selector;
  const selected = pods.filter(
    (pod) => pod.namespace === (service.metadata.namespace ?? "default") && serviceSelects(selector, pod.labels),
  );
  if (selected.length === 0) return `${url}: ${objectId(service)} selects no pod`;
  const target = servicePort.targetPort ?? port;
  const numbers = selected.map(
    (pod) => pod.ports.find((p) => (typeof target === "number" ? p.number === target : p.name === target))?.number,
  );
  if (numbers.some((n) => n === undefined))
    return `${url}: ${objectId(service)} targets port ${String(target)}, which its pods do not have`;
  return { peers: selected, port: numbers[0] as number };
}

function networkProblems(
  render: Render,
  containers: Container[],
  environments: Map<Container, Map<string, EnvValue>>,
): string[] {
  const problems: string[] = [];
  const pods = podsOf(render.objects);
  const policies = new NetworkPolicies(render.objects);
  const podOf = (container: Container) =>
    pods.find((p) => p.owner === `${container.workload.kind}/${container.workload.metadata.name}`);
  const flows: Flow[] = [];
  const expect = (from: Peer, targets: { peers: Peer[]; port: number } | string, why: string, where: string) => {
    if (typeof targets === "string") problems.push(`${where}: ${targets}`);
    else for (const to of targets.peers) flows.push({ from, to, connection: { port: targets.port }, why });
  };

  for (const pod of pods) {
    for (const direction of ["Ingress", "Egress"] as const) {
      if (!policies.isolated(pod, direction)) {
        problems.push(`${pod.owner}: no NetworkPolicy restricts its ${direction.toLowerCase()} (deny by default)`);
      }
    }
    for (const protocol of ["UDP", "TCP"])
      flows.push({ from: pod, to: EXTERNAL, connection: { port: 53, protocol }, why: "DNS" });
  }
  const postgres = render.objects.find((o) => o.kind === "Service" && o.metadata.name === "postgres");
  if (!postgres)
    problems.push("Service/postgres: missing (DATABASE_URL names it, or the external server it stands for)");
  for (const container of containers) {
    const pod = podOf(container);
    const env = environments.get(container);
    if (!pod || !env) continue;
    for (const [name, value] of env) {
      if (value.value === undefined || ADDRESSES_NOT_CONNECTIONS.has(name)) continue;
      const urls =
        name === "SUBGRAPH_URLS"
          ? value.value.split(",").map((pair) => pair.split("=").slice(1).join("=").trim())
          : (value.value.match(/\b(?:https?|postgres(?:ql)?|redis):\/\/[^\s,]+/g) ?? []);
      for (const url of urls) expect(pod, targetsOf(url, render, pods), name, `${container.where}: ${name}`);
    }
    if (env.has("DATABASE_URL") && postgres) {
      expect(
        pod,
        targetsOf("postgresql://postgres:5432", render, pods),
        "DATABASE_URL",
        `${container.where}: DATABASE_URL`,
      );
    }
  }
  for (const designed of DESIGNED_FLOWS) {
    const from = pods.find((p) => p.owner === `Deployment/${designed.from}`);
    const service = render.objects.find((o) => o.kind === "Service" && o.metadata.name === designed.service);
    if (!service) problems.push(`Service/${designed.service}: missing (${designed.why})`);
    else if (from)
      expect(
        from,
        targetsOf(`redis://${designed.service}:${designed.port}`, render, pods),
        designed.why,
        `Service/${designed.service}`,
      );
  }
  const gateway = pods.find((p) => p.owner === "Deployment/gateway");
  if (gateway) flows.push({ from: EXTERNAL, to: gateway, connection: { port: "http" }, why: "the public endpoint" });

  const number = (to: Peer, port: number | string) =>
    typeof port === "number"
      ? port
      : to === EXTERNAL
        ? Number.NaN
        : (to.ports.find((p) => p.name === port)?.number ?? Number.NaN);
  const expected = (from: Peer, to: Peer, port: number, protocol: string) =>
    flows.find(
      (f) =>
        f.from === from &&
        f.to === to &&
        number(f.to, f.connection.port) === port &&
        (f.connection.protocol ?? "TCP") === protocol,
    );
  for (const flow of flows) {
    if (!policies.allows(flow.from, flow.to, flow.connection)) {
      problems.push(
        `${owner(flow.from)} cannot reach ${owner(flow.to)} on port ${String(flow.connection.port)}, which it needs (${flow.why})`,
      );
    }
  }
  // Nothing else: every connection the policies allow is one a service makes.
  const sources: Peer[] = [...pods, EXTERNAL];
  const externalPorts = [
    80,
    443,
    5432,
    6379,
    53,
    ...flows.filter((f) => f.to === EXTERNAL).map((f) => number(f.to, f.connection.port)),
  ];
  for (const from of sources) {
    for (const to of [...pods, EXTERNAL] as Peer[]) {
      if (from === to || (from === EXTERNAL && to === EXTERNAL)) continue;
      const ports =
        to === EXTERNAL ? [...new Set(externalPorts)].map((n) => ({ number: n, protocol: "TCP" })) : to.ports;
      for (const port of [...ports, ...(to === EXTERNAL ? [{ number: 53, protocol: "UDP" }] : [])]) {
        const connection = { port: port.number, protocol: port.protocol };
        if (policies.allows(from, to, connection) && !expected(from, to, port.number, port.protocol)) {
          problems.push(
            `${owner(from)} may reach ${owner(to)} on port ${port.number}/${port.protocol}, which nothing needs`,
          );
        }
      }
    }
  }
  return problems;
}
