/**
 * `npm run deploy:check` passes on what is committed and fails, naming the problem, on each kind of broken
 * Dockerfile or manifest: every case below copies the real file, breaks one thing, and checks the copy.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CheckOptions, checkDeployment } from "../../scripts/deploy/check.ts";
import { brokenCopies, replace } from "../support/brokenDeploy.ts";

const { brokenDeploy, brokenFile } = brokenCopies();

async function problems(options: CheckOptions): Promise<string[]> {
  return (await checkDeployment(options)).problems;
}

// The command itself (its exit status and output) runs as a process in test/e2e/deployCheck.test.ts.
describe("deploy:check on what is committed", () => {
  it("finds no problem in the Dockerfile, the base and both overlays", async () => {
    const result = await checkDeployment();
    expect(result.problems).toEqual([]);
    expect(result.renders.map((r) => r.name).sort()).toEqual(["base", "development", "production"]);
  });
});

describe("deploy:check refuses broken manifests", () => {
  it("a gateway without probes", async () => {
    const dir = brokenDeploy({
      "base/gateway/gateway.yaml": (text) =>
        text.replace(/ {10}readinessProbe:\n(?: {12}.*\n)+/, "").replace(/ {10}livenessProbe:\n(?: {12}.*\n)+/, ""),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain("production: Deployment/gateway: container gateway: no readinessProbe");
    expect(found).toContain("production: Deployment/gateway: container gateway: no livenessProbe");
    expect(found).toContain("production: Deployment/jingan-one-graph/gateway: readiness must probe /readyz");
  });

  it("a production gateway with one replica", async () => {
    const dir = brokenDeploy({
      "overlays/production/gateway.yaml": (text) =>
        text.replace("replicas: 3", "replicas: 1").replace("minReplicas: 3", "minReplicas: 1"),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "production: Deployment/jingan-one-graph/gateway: production runs at least 2 gateway replicas (has 1)",
    );
    expect(found).toContain(
      "production: HorizontalPodAutoscaler/jingan-one-graph/gateway: minReplicas must be at least 2 in production",
    );
  });

  it("a grace period shorter than the preStop sleep plus SHUTDOWN_GRACE_MS", async () => {
    const dir = brokenDeploy({
      "base/gateway/gateway.yaml": replace("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 20"),
    });
    expect(await problems({ deployDir: dir })).toContain(
      "production: Deployment/jingan-one-graph/gateway: terminationGracePeriodSeconds 20 must exceed the preStop sleep (10 s) plus SHUTDOWN_GRACE_MS (15000 ms)",
    );
  });

  it("a field the Kubernetes schema does not have, and a value of the wrong type", async () => {
    const dir = brokenDeploy({
      "base/subgraphs/health.yaml": (text) =>
        text.replace("replicas: 2", "replica: 2").replace("containerPort: 4102", 'containerPort: "4102"'),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "base: Deployment/jingan-one-graph/health: /spec/replica is not a field of Deployment (a typo?)",
    );
    expect(found).toContain(
      "base: Deployment/jingan-one-graph/health: /spec/template/spec/containers/0/ports/0/containerPort must be integer",
    );
  });

  it("a subgraph of the registry without its Deployment and Service", async () => {
    const dir = brokenDeploy({ "base/kustomization.yaml": replace("  - subgraphs/sports.yaml\n", "") });
    const found = await problems({ deployDir: dir });
    expect(found).toContain("production: Deployment/sports: missing for subgraph sports (subgraphs/registry.ts)");
    expect(found).toContain("production: Service/sports: missing for subgraph sports");
    expect(found).toContain(
      "production: Deployment/gateway: container gateway: SUBGRAPH_URLS: http://sports:4104/graphql names host sports, which no Service is",
    );
  });

  it("a subgraph reachable by more than the gateway", async () => {
    const dir = brokenDeploy({
      "base/network-policies.yaml": replace(
        / {2}ingress:\n {4}- from:\n {8}- podSelector:\n {12}matchLabels:\n {14}app.kubernetes.io\/name: gateway\n {6}ports:\n {8}- port: http\n$/,
        "  ingress:\n    - ports:\n        - port: http\n",
      ),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "production: outside the namespace may reach Deployment/catalog on port 4101/TCP, which nothing needs",
    );
  });

  it("a pod that no policy closes", async () => {
    const dir = brokenDeploy({
      "base/network-policies.yaml": (text) => text.slice(text.indexOf("---\n# Name resolution for every pod")),
      "overlays/development/redis.yaml": (text) =>
        text.replace(
          /---\napiVersion: networking.k8s.io\/v1\nkind: NetworkPolicy\nmetadata:\n {2}name: redis\n(?:.*\n)*?(?=---)/,
          "",
        ),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain("development: StatefulSet/redis: no NetworkPolicy restricts its ingress (deny by default)");
    expect(found).toContain(
      "development: outside the namespace may reach StatefulSet/redis on port 6379/TCP, which nothing needs",
    );
  });

  it("a subgraph that cannot reach its database", async () => {
    const dir = brokenDeploy({
      "overlays/development/postgres.yaml": (text) =>
        text.slice(
          0,
          text.indexOf(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: subgraphs-to-postgres",
          ),
        ),
    });
    expect(await problems({ deployDir: dir })).toContain(
      "development: Deployment/identity cannot reach StatefulSet/postgres on port 5432, which it needs (DATABASE_URL)",
    );
  });

  it("a registry whose egress policy is missing cannot deliver to identity and catalog", async () => {
    const dir = brokenDeploy({
      "base/network-policies.yaml": (text) =>
        text.replace(/ {2}# Identity: the JWKS[^\n]*\n[^\n]*\n {2}egress:\n(?: {4}.*\n)+/, ""),
    });
    const found = await problems({ deployDir: dir });
    for (const render of ["development", "production"]) {
      expect(found).toContain(
        `${render}: Deployment/registry cannot reach Deployment/identity on port 4108, which it needs (IDENTITY_URL)`,
      );
      expect(found).toContain(
        `${render}: Deployment/registry cannot reach Deployment/catalog on port 4101, which it needs (CATALOG_URL)`,
      );
    }
  });

  it("a public origin missing, left at the development value in production, or different between services", async () => {
    const missing = await problems({
      deployDir: brokenDeploy({
        "base/subgraphs/identity.yaml": replace(
          "            - configMapRef:\n                name: public-origin\n",
          "",
        ),
      }),
    });
    expect(missing).toContain(
      "production: Deployment/jingan-one-graph/identity: set PUBLIC_ORIGIN (the public-origin ConfigMap): single sign-on needs it",
    );
    const development = await problems({
      deployDir: brokenDeploy({
        "overlays/production/kustomization.yaml": replace("  - path: public-origin.yaml\n", ""),
      }),
    });
    expect(development).toContain(
      "production: Deployment/jingan-one-graph/gateway: PUBLIC_ORIGIN http://127.0.0.1:4000 is not the site's https origin",
    );
    expect(development.filter((problem) => problem.startsWith("development:"))).toEqual([]);
    // An explicit variable wins over the ConfigMap (as in Kubernetes): the registry would refuse identity's tokens.
    const different = await problems({
      deployDir: brokenDeploy({
        "base/registry/registry.yaml": replace(
          /( {10}env:\n)/,
          "$1            - name: PUBLIC_ORIGIN\n              value: https://elsewhere.jingan.gov.cn\n",
        ),
      }),
    });
    expect(different).toContain(
      "production: gateway, identity and registry name different PUBLIC_ORIGINs: tokens of one would be refused by another",
    );
  });

  it("no registry at all, its key outside a Secret, and gateways that do not know where it is", async () => {
    const missing = await problems({
      deployDir: brokenDeploy({ "base/kustomization.yaml": replace("  - registry/registry.yaml\n", "") }),
    });
    expect(missing).toContain("production: Deployment/registry: missing (the schema registry, docs/registry.md)");
    expect(missing).toContain(
      "production: Service/registry: missing (gateways and departments reach the registry through it)",
    );
    const broken = await problems({
      deployDir: brokenDeploy({
        "base/registry/registry.yaml": replace(
          /( {12}- name: ENVELOPE_PRIVATE_KEY\n)(?: {14}.*\n)+?(?= {10}readinessProbe)/,
          "",
        ),
        "base/gateway/gateway.yaml": replace(/ {2}REGISTRY_URL: [^\n]*\n/, ""),
      }),
    });
    expect(broken).toContain(
      "production: Deployment/registry: container registry: set ENVELOPE_PRIVATE_KEY from a Secret",
    );
    expect(broken).toContain(
      "production: Deployment/jingan-one-graph/gateway: set REGISTRY_URL (http://registry:4110): field usage goes there",
    );
  });

  it("a Secret committed with its value", async () => {
    const dir = brokenDeploy({
      "base/namespace.yaml": (text) =>
        `${text}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: gateway-envelope-signing-key\nstringData:\n  ENVELOPE_PRIVATE_KEY: MC4CAQAwBQYDK2VwBCIEIA\n`,
    });
    expect(await problems({ deployDir: dir })).toContain(
      "base: Secret/jingan-one-graph/gateway-envelope-signing-key: a Secret with values is committed; reference it and let the operator create it",
    );
  });

  it("a variable no service reads, and a credential outside a Secret", async () => {
    const dir = brokenDeploy({
      "base/gateway/gateway.yaml": replace("  LOG_LEVEL: info\n", '  LOG_LEVEL: info\n  GATEWAY_DEBUG: "true"\n'),
      "base/subgraphs/audit.yaml": replace(
        / {12}- name: DATABASE_URL\n {14}valueFrom:\n(?: {16}.*\n)+/,
        "            - name: DATABASE_URL\n              value: postgresql://og_audit:hunter2@postgres:5432/jingan\n",
      ),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "base: Deployment/gateway: container gateway: sets GATEWAY_DEBUG (ConfigMap gateway-settings), which the code of gateway/main.ts never reads",
    );
    expect(found).toContain(
      "base: Deployment/audit: container audit: DATABASE_URL is a credential: take it from a Secret (secretKeyRef)",
    );
  });

  it("a Secret the operator guide does not tell anyone to create", async () => {
    const dir = brokenDeploy({
      "base/subgraphs/identity.yaml": replace("name: identity-key-encryption-secret", "name: identity-kek"),
    });
    expect(await problems({ deployDir: dir })).toContain(
      "production: Deployment/identity: container identity: Secret identity-kek is not in docs/deploy.md's list of Secrets to create",
    );
  });

  it("configuration the service itself would refuse", async () => {
    const dir = brokenDeploy({
      "base/gateway/gateway.yaml": replace("  AUDIT_URL: http://audit:4109\n", ""),
      "base/subgraphs/audit.yaml": replace('value: "180"', 'value: "30"'),
    });
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "production: Deployment/gateway: container gateway: configuration: AUDIT_URL: production mode records every access to classified data; set the audit service's URL.",
    );
    expect(found).toContain(
      "base: Deployment/audit: container audit: configuration: AUDIT_RETENTION_DAYS: must be at least 180 days",
    );
  });

  it("service links left on, which would hand the audit subgraph AUDIT_PORT=tcp://…", async () => {
    const dir = brokenDeploy({ "base/subgraphs/audit.yaml": replace("      enableServiceLinks: false\n", "") });
    expect(
      (await problems({ deployDir: dir })).some((p) =>
        p.startsWith("base: Deployment/audit: container audit: set enableServiceLinks: false"),
      ),
    ).toBe(true);
  });

  it("seed data in production", async () => {
    const dir = brokenDeploy({
      "overlays/production/kustomization.yaml": replace(
        "  - path: parking.yaml\n",
        "  - path: parking.yaml\n  - path: seed.yaml\n",
      ),
    });
    writeFileSync(
      join(dir, "overlays/production/seed.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: subgraph-settings\ndata:\n  SEED: "true"\n',
    );
    const found = await problems({ deployDir: dir });
    expect(found).toContain(
      "production: Deployment/catalog: container catalog: SEED must be false in production: the seeds hold published development accounts",
    );
  });

  it("a Kustomize feature the offline renderer does not implement", async () => {
    const dir = brokenDeploy({
      "overlays/development/kustomization.yaml": replace("images:", "commonLabels:\n  team: district\nimages:"),
    });
    expect(
      (await problems({ deployDir: dir })).some(
        (p) =>
          p.startsWith("development: cannot render:") && p.includes('"commonLabels" is not in the Kustomize subset'),
      ),
    ).toBe(true);
  });
});

describe("deploy:check refuses a broken image recipe", () => {
  it("a base image whose Node is not the project's", async () => {
    const dockerfile = brokenFile("Dockerfile", replace("node:24.21.0-trixie-slim", "node:22.12.0-bookworm-slim"));
    const found = await problems({ dockerfile });
    expect(found).toContain("Dockerfile: node:22.12.0-bookworm-slim runs Node 22; package.json engines wants >=24 <25");
    expect(found).toContain(
      "Dockerfile: node:22.12.0-bookworm-slim is not Node 24.21.0, the `node` devDependency that runs the tests",
    );
  });

  it("a runtime stage that runs as root and installs devDependencies", async () => {
    const dockerfile = brokenFile("Dockerfile", (text) =>
      text.replace("USER 1000:1000\n", "").replace("RUN npm ci --omit=dev", "RUN npm ci"),
    );
    const found = await problems({ dockerfile });
    expect(found).toContain("Dockerfile: the runtime stage runs as root: add USER with a numeric uid");
    expect(found).toContain("Dockerfile: the runtime stage must install with `npm ci --omit=dev`");
  });

  it("an image without the supergraph file or the generated Prisma clients", async () => {
    const dockerfile = brokenFile("Dockerfile", (text) =>
      // The runtime stage's copy of schema/ (the last one: the build stage copies it too, for the portal's build).
      text
        .replace(/COPY schema \.\/schema\n(?![\s\S]*COPY schema \.\/schema\n)/, "")
        .replace("COPY --from=build /app/subgraphs ./subgraphs\n", ""),
    );
    const found = await problems({ dockerfile });
    expect(found).toContain(
      "Dockerfile: the image lacks schema/supergraph.graphql, which gateway/main.ts reads at run time",
    );
    expect(found).toContain(
      "Dockerfile: the image lacks subgraphs/identity/generated/prisma/client.ts, which scripts/subgraph.ts identity loads (COPY it, or stop ignoring it)",
    );
  });

  it("a package the services import that npm ci --omit=dev leaves out", async () => {
    const packageJson = brokenFile("package.json", (text) => {
      const json = JSON.parse(text) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      json.devDependencies.tsx = json.dependencies.tsx as string;
      json.devDependencies.dataloader = json.dependencies.dataloader as string;
      delete json.dependencies.tsx;
      delete json.dependencies.dataloader;
      return JSON.stringify(json, null, 2);
    });
    const found = await problems({ packageJson });
    expect(found).toContain(
      "Dockerfile: tsx (imported by the ENTRYPOINT's --import) must be a production dependency: npm ci --omit=dev leaves it out",
    );
    expect(
      found.some(
        (p) =>
          p.startsWith("Dockerfile: dataloader (imported by ") &&
          p.endsWith("must be a production dependency: npm ci --omit=dev leaves it out"),
      ),
    ).toBe(true);
  });

  it("a build context that would carry the development keys", async () => {
    const dockerignore = brokenFile(".dockerignore", replace(/^\.data\n/m, ""));
    expect(await problems({ dockerignore })).toContain(
      "Dockerfile: .dockerignore must leave out .data (development keys)",
    );
  });
});
