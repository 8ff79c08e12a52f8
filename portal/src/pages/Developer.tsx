/**
 * Front-end teams and integrators: the service directory (departments, subgraphs and their owners, types, data
 * resources), schema docs per department, app registration with its approval status and credentials, and the app's
 * trusted operations, registered through the schema registry's route on this origin (POST /registry/apps/<appId>/operations,
 * docs/registry.md). The explorer is its own section (Explorer.tsx).
 */
import directory from "virtual:supergraph-directory";
import { type FormEvent, useId, useState } from "react";
import { currentClaims } from "../auth.ts";
import { type GraphError, type OperationProblem, type RegisteredOperation, registerOperations, run } from "../graph.ts";
import { useT } from "../i18n.tsx";
import { Errors, Loading, Table, useOperation } from "../ui.tsx";

interface DirectoryData {
  departments: Array<{
    id: string;
    code: string;
    name: string;
    englishName: string;
    kind: string;
    resourceCount: number | null;
  }> | null;
  dataResources: {
    totalCount: number;
    nodes: Array<{
      id: string;
      code: string;
      name: string;
      classification: string;
      openStatus: string;
      ownerDepartment: { id: string; name: string } | null;
    }>;
  } | null;
}
interface Credentials {
  id: string;
  clientId: string;
  clientSecret: string;
  status: string;
}

function ServiceDirectory() {
  const t = useT();
  const data = useOperation<DirectoryData>("ServiceDirectory");
  const names = new Map((data.data?.departments ?? []).map((d) => [d.id, d.name]));
  return (
    <section aria-labelledby="directory-heading">
      <h2 id="directory-heading">{t("directory")}</h2>
      <Loading loading={data.loading} />
      <Errors errors={data.errors} />
      <Table
        testId="subgraphs"
        caption={t("subgraphs")}
        rows={directory.subgraphs}
        rowKey={(s) => s.name}
        columns={[
          { header: t("name"), cell: (s) => <code>{s.name}</code> },
          {
            header: t("owner"),
            cell: (s) =>
              s.ownerDepartmentId ? `${names.get(s.ownerDepartmentId) ?? ""} (${s.ownerDepartmentId})` : "—",
          },
          { header: t("types"), cell: (s) => s.types.length },
          { header: t("rootQueries"), cell: (s) => s.rootFields.query.map((f) => f.name).join(", ") },
        ]}
      />
      <Table
        testId="departments"
        caption={t("departments")}
        rows={data.data?.departments}
        rowKey={(d) => d.id}
        columns={[
          { header: "ID", cell: (d) => <code>{d.id}</code> },
          { header: t("name"), cell: (d) => `${d.name} · ${d.englishName}` },
          { header: t("dataResources"), cell: (d) => d.resourceCount ?? "—" },
        ]}
      />
      <Table
        testId="data-resources"
        caption={`${t("dataResources")} — ${data.data?.dataResources?.totalCount ?? 0}`}
        rows={data.data?.dataResources?.nodes}
        rowKey={(r) => r.id}
        columns={[
          { header: "ID", cell: (r) => <code>{r.code}</code> },
          { header: t("name"), cell: (r) => r.name },
          { header: t("owner"), cell: (r) => r.ownerDepartment?.name ?? "—" },
          { header: t("classification"), cell: (r) => `${r.classification} / ${r.openStatus}` },
        ]}
      />
    </section>
  );
}

function SchemaDocs() {
  const t = useT();
  const id = useId();
  const [chosen, setChosen] = useState(directory.subgraphs[0]?.name ?? "");
  const subgraph = directory.subgraphs.find((s) => s.name === chosen);
  return (
    <section aria-labelledby="docs-heading">
      <h2 id="docs-heading">{t("schemaDocs")}</h2>
      <label htmlFor={`${id}-subgraph`}>{t("chooseSubgraph")}</label>{" "}
      <select id={`${id}-subgraph`} value={chosen} onChange={(e) => setChosen(e.target.value)}>
        {directory.subgraphs.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      {subgraph ? (
        <div data-testid="schema-docs">
          {(["query", "mutation"] as const).map((root) => (
            <Table
              key={root}
              caption={`${subgraph.name}: ${t(root === "query" ? "rootQueries" : "rootMutations")}`}
              rows={subgraph.rootFields[root]}
              rowKey={(f) => f.name}
              columns={[
                { header: t("name"), cell: (f) => <code>{`${f.name}: ${f.type}`}</code> },
                { header: t("description"), cell: (f) => f.description },
              ]}
            />
          ))}
          <Table
            caption={`${subgraph.name}: ${t("types")}`}
            rows={subgraph.types}
            rowKey={(ty) => ty.name}
            columns={[
              { header: t("name"), cell: (ty) => <code>{`${ty.kind} ${ty.name}`}</code> },
              { header: t("description"), cell: (ty) => ty.description },
              { header: t("fields"), cell: (ty) => ty.fields.map((f) => f.name).join(", ") },
            ]}
          />
        </div>
      ) : null}
    </section>
  );
}

function AppRegistration() {
  const t = useT();
  const id = useId();
  const claims = currentClaims();
  const [errors, setErrors] = useState<GraphError[]>([]);
  const [credentials, setCredentials] = useState<Credentials | null>(null);
  const [trusted, setTrusted] = useState<RegisteredOperation[]>([]);
  const [problems, setProblems] = useState<OperationProblem[]>([]);
  const [documents, setDocuments] = useState("query StreetNames {\n  streets {\n    id\n    name\n  }\n}");

  async function register(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await run<{ requestIntegratorApp: Credentials | null }>("RequestIntegratorApp", {
      input: {
        key: String(form.get("key")),
        name: String(form.get("name")),
        departmentId: String(form.get("departmentId")),
        requestedScopes: String(form.get("scopes")).split(/\s+/).filter(Boolean),
      },
    });
    setErrors(result.errors ?? []);
    setCredentials(result.data?.requestIntegratorApp ?? null);
    setTrusted([]);
    setProblems([]);
  }

  async function registerTrusted(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!credentials) return;
    // The schema registry's route on this origin: it checks each document against the current supergraph.
    const result = await registerOperations(
      credentials.id,
      documents
        .split(/^---$/m)
        .map((d) => d.trim())
        .filter(Boolean),
    );
    setErrors(result.errors ?? []);
    setProblems(result.errors?.flatMap((error) => error.extensions?.problems ?? []) ?? []);
    if (result.data) setTrusted(result.data.registered);
  }

  return (
    <section aria-labelledby="apps-heading">
      <h2 id="apps-heading">{t("registerApp")}</h2>
      <form className="stack" onSubmit={(e) => void register(e)} aria-labelledby="apps-heading">
        <label htmlFor={`${id}-key`}>{t("appKey")}</label>
        <input id={`${id}-key`} name="key" required pattern="[a-z0-9-]+" />
        <label htmlFor={`${id}-name`}>{t("appName")}</label>
        <input id={`${id}-name`} name="name" required />
        <label htmlFor={`${id}-dept`}>{t("department")}</label>
        <input id={`${id}-dept`} name="departmentId" required defaultValue={claims?.dept ?? ""} />
        <label htmlFor={`${id}-scopes`}>{t("scopes")}</label>
        <input id={`${id}-scopes`} name="scopes" defaultValue="graph:read" />
        <button type="submit">{t("submit")}</button>
      </form>
      <Errors errors={errors} />
      {credentials ? (
        <div className="ok" data-testid="credentials">
          <h3>{t("credentials")}</h3>
          <dl>
            <dt>client_id</dt>
            <dd>
              <code>{credentials.clientId}</code>
            </dd>
            <dt>client_secret</dt>
            <dd>
              <code>{credentials.clientSecret}</code>
            </dd>
            <dt>{t("approvalStatus")}</dt>
            <dd data-testid="app-status">{credentials.status}</dd>
          </dl>
          <p>{t("secretOnce")}</p>
          <h3>{t("trustedOperations")}</h3>
          <form className="stack" onSubmit={(e) => void registerTrusted(e)}>
            <label htmlFor={`${id}-documents`}>{t("registerOperations")}</label>
            <textarea
              id={`${id}-documents`}
              rows={6}
              value={documents}
              onChange={(e) => setDocuments(e.target.value)}
            />
            <button type="submit">{t("register")}</button>
          </form>
          {problems.length > 0 ? (
            <Table
              testId="operation-problems"
              caption={t("operationProblems")}
              rows={problems}
              rowKey={(p) => `${p.index}:${p.message}`}
              columns={[
                { header: "#", cell: (p) => p.index },
                { header: t("description"), cell: (p) => p.message },
              ]}
            />
          ) : null}
          <Table
            testId="trusted-operations"
            caption={t("trustedOperations")}
            rows={trusted}
            rowKey={(d) => d.hash}
            columns={[
              { header: t("operationName"), cell: (d) => d.operationName ?? "—" },
              { header: "SHA-256", cell: (d) => <code>{d.hash}</code> },
            ]}
          />
        </div>
      ) : null}
    </section>
  );
}

export function DeveloperPage() {
  const t = useT();
  return (
    <>
      <h1>{t("developer")}</h1>
      <p>
        <a href="#/explorer">{t("explorer")}</a>
      </p>
      <AppRegistration />
      <ServiceDirectory />
      <SchemaDocs />
    </>
  );
}
