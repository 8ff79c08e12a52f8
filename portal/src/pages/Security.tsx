/**
 * Security admins: access policies — draft a version, see its difference from the active one, simulate an operation
 * with the draft, then enable it with an approval note (recorded with the change) — purposes, rate limits and
 * quotas, and integrator apps waiting for approval.
 */
import { type FormEvent, useId, useState } from "react";
import { type GraphError, run } from "../graph.ts";
import { useT } from "../i18n.tsx";
import { Errors, Loading, Table, useOperation, when } from "../ui.tsx";

interface Grant {
  kinds: string[] | null;
  roles: string[] | null;
  scopes: string[] | null;
  departments: string[] | null;
  streets: string[] | null;
  purposes: string[] | null;
  clearance: string | null;
  timeWindow: { days: number[] | null; from: string; to: string } | null;
}
interface Overview {
  accessPolicies: Array<{
    name: string;
    activeVersion: number | null;
    updatedAt: string;
    active: { version: number; description: string; grants: Grant[] } | null;
    versions: Array<{ version: number; status: string; reason: string; authorId: string }>;
  }> | null;
  purposes: Array<{
    name: string;
    activeVersion: number | null;
    active: { legalBasis: string; description: string; kinds: string[]; roles: string[]; retentionDays: number } | null;
  }> | null;
  rateLimits: {
    revision: number;
    rules: Array<{ scope: string; subject: string; revision: number; updatedAt: string }>;
  } | null;
}
interface Apps {
  integratorApps: {
    nodes: Array<{
      id: string;
      name: string;
      clientId: string;
      status: string;
      requestedScopes: string[];
      ownerDepartment: { name: string } | null;
      createdAt: string;
    }>;
  } | null;
}
interface Draft {
  policyName: string;
  version: number;
  status: string;
  grants: Grant[];
}
interface Simulation {
  purposeAllowed: boolean | null;
  decisions: Array<{ coordinate: string; allowed: boolean; rule: string | null; reason: string | null }>;
}

const clean = (grant: Partial<Grant>) =>
  Object.fromEntries(Object.entries(grant).filter(([, value]) => value !== null && value !== undefined));

/** Line-by-line difference of two JSON texts: lines only in the old one start with "-", only in the new with "+". */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+ ${b[j]}`);
      j++;
    } else {
      out.push(`- ${a[i]}`);
      i++;
    }
  }
  return out;
}

function Policies({ overview, reload }: { overview: Overview | null; reload: () => void }) {
  const t = useT();
  const id = useId();
  const policies = overview?.accessPolicies ?? [];
  const [name, setName] = useState(policies[0]?.name ?? "");
  const selected = policies.find((p) => p.name === name) ?? policies[0];
  const activeGrants = JSON.stringify((selected?.active?.grants ?? []).map(clean), null, 2);
  const [grantsText, setGrantsText] = useState<string | null>(null);
  const [description, setDescription] = useState<string | null>(null);
  const [errors, setErrors] = useState<GraphError[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  const [enabled, setEnabled] = useState<string | null>(null);
  const grants = grantsText ?? activeGrants;

  async function saveDraft(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let parsed: unknown;
    try {
      parsed = JSON.parse(grants);
    } catch (error) {
      setErrors([{ message: `JSON: ${(error as Error).message}` }]);
      return;
    }
    const result = await run<{ draftAccessPolicy: Draft | null }>("DraftAccessPolicy", {
      input: {
        name: selected?.name,
        description: description ?? selected?.active?.description ?? "",
        grants: parsed,
        reason: String(form.get("reason")),
      },
    });
    setErrors(result.errors ?? []);
    setDraft(result.data?.draftAccessPolicy ?? null);
    setSimulation(null);
    setEnabled(null);
  }

  async function simulate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft) return;
    const form = new FormData(event.currentTarget);
    const departmentId = String(form.get("departmentId") ?? "").trim();
    const purpose = String(form.get("purpose") ?? "").trim();
    const result = await run<{ simulateAccess: Simulation | null }>("SimulateAccess", {
      input: {
        principal: {
          kind: String(form.get("kind")),
          roles: String(form.get("roles")).split(/\s+/).filter(Boolean),
          ...(departmentId ? { departmentId } : {}),
        },
        operation: String(form.get("operation")),
        ...(purpose ? { purpose } : {}),
        drafts: [{ name: draft.policyName, version: draft.version }],
      },
    });
    setErrors(result.errors ?? []);
    setSimulation(result.data?.simulateAccess ?? null);
  }

  async function enable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft) return;
    const form = new FormData(event.currentTarget);
    const result = await run<{ enableAccessPolicyVersion: { name: string; activeVersion: number } | null }>(
      "EnableAccessPolicyVersion",
      { name: draft.policyName, version: draft.version, reason: String(form.get("approval")) },
    );
    setErrors(result.errors ?? []);
    const policy = result.data?.enableAccessPolicyVersion;
    if (policy) {
      setEnabled(`${policy.name} v${policy.activeVersion}`);
      reload();
    }
  }

  return (
    <section aria-labelledby="policies-heading">
      <h2 id="policies-heading">{t("policies")}</h2>
      <Table
        testId="policies"
        caption={t("policies")}
        rows={policies}
        rowKey={(p) => p.name}
        columns={[
          { header: t("name"), cell: (p) => <code>{p.name}</code> },
          { header: t("activeVersion"), cell: (p) => p.activeVersion ?? "—" },
          { header: t("description"), cell: (p) => p.active?.description ?? "" },
          { header: t("version"), cell: (p) => p.versions.map((v) => `v${v.version} ${v.status}`).join(", ") },
        ]}
      />
      <h3>{t("draftPolicy")}</h3>
      <form className="stack" onSubmit={(e) => void saveDraft(e)}>
        <label htmlFor={`${id}-policy`}>{t("policyName")}</label>
        <select
          id={`${id}-policy`}
          value={selected?.name ?? ""}
          onChange={(e) => {
            setName(e.target.value);
            setGrantsText(null);
            setDescription(null);
            setDraft(null);
          }}
        >
          {policies.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-description`}>{t("description")}</label>
        <input
          id={`${id}-description`}
          value={description ?? selected?.active?.description ?? ""}
          onChange={(e) => setDescription(e.target.value)}
        />
        <label htmlFor={`${id}-grants`}>{t("grantsJson")}</label>
        <textarea id={`${id}-grants`} rows={10} value={grants} onChange={(e) => setGrantsText(e.target.value)} />
        <label htmlFor={`${id}-reason`}>{t("reason")}</label>
        <input id={`${id}-reason`} name="reason" required />
        <button type="submit">{t("draftPolicy")}</button>
      </form>
      <h3>{t("diff")}</h3>
      <pre data-testid="policy-diff">
        {lineDiff(activeGrants, draft ? JSON.stringify(draft.grants.map(clean), null, 2) : grants).join("\n")}
      </pre>
      <Errors errors={errors} />
      {draft ? (
        <>
          <p className="ok" data-testid="draft-status">
            {draft.policyName} v{draft.version}: {draft.status}
          </p>
          <h3>{t("simulate")}</h3>
          <form className="stack" onSubmit={(e) => void simulate(e)}>
            <label htmlFor={`${id}-kind`}>{t("principalKind")}</label>
            <select id={`${id}-kind`} name="kind" defaultValue="OFFICER">
              {["RESIDENT", "OFFICER", "SECURITY_ADMIN", "AUDITOR", "ENTERPRISE", "APP"].map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-roles`}>{t("roles")}</label>
            <input id={`${id}-roles`} name="roles" defaultValue="officer" />
            <label htmlFor={`${id}-dept`}>{t("departmentId")}</label>
            <input id={`${id}-dept`} name="departmentId" defaultValue="dept-health" />
            <label htmlFor={`${id}-purpose`}>{t("purpose")}</label>
            <input id={`${id}-purpose`} name="purpose" defaultValue="" />
            <label htmlFor={`${id}-operation`}>{t("simulateOperation")}</label>
            <textarea
              id={`${id}-operation`}
              name="operation"
              rows={4}
              defaultValue={'{ hospital(id: "hosp-0001") { name } }'}
            />
            <button type="submit">{t("simulate")}</button>
          </form>
          {simulation ? (
            <Table
              testId="simulation"
              caption={`${t("simulate")} — ${draft.policyName} v${draft.version}`}
              rows={simulation.decisions}
              rowKey={(d) => d.coordinate}
              columns={[
                { header: "field", cell: (d) => <code>{d.coordinate}</code> },
                { header: t("status"), cell: (d) => (d.allowed ? t("allowed") : t("denied")) },
                { header: t("reason"), cell: (d) => [d.rule, d.reason].filter(Boolean).join(": ") },
              ]}
            />
          ) : null}
          <h3>{t("enable")}</h3>
          <form className="stack" onSubmit={(e) => void enable(e)}>
            <label htmlFor={`${id}-approval`}>{t("approval")}</label>
            <input id={`${id}-approval`} name="approval" required />
            <button type="submit">{t("enable")}</button>
          </form>
          {enabled ? (
            <p className="ok" role="status" data-testid="enabled">
              {enabled}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function AppApprovals() {
  const t = useT();
  const apps = useOperation<Apps>("IntegratorApps", { first: 100 });
  const [errors, setErrors] = useState<GraphError[]>([]);
  const decide = async (operation: "ApproveIntegratorApp" | "RejectIntegratorApp", appId: string) => {
    const reason = window.prompt(t("reason")) ?? "";
    if (!reason) return;
    const result = await run(operation, { id: appId, reason });
    setErrors(result.errors ?? []);
    apps.reload();
  };
  return (
    <section aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">{t("appApprovals")}</h2>
      <Loading loading={apps.loading} />
      <Errors errors={[...apps.errors, ...errors]} />
      <Table
        testId="apps"
        caption={t("appApprovals")}
        rows={apps.data?.integratorApps?.nodes}
        rowKey={(a) => a.id}
        columns={[
          { header: t("name"), cell: (a) => `${a.name} (${a.clientId})` },
          { header: t("owner"), cell: (a) => a.ownerDepartment?.name ?? "—" },
          { header: t("scopes"), cell: (a) => a.requestedScopes.join(" ") },
          { header: t("status"), cell: (a) => a.status },
          {
            header: t("decision"),
            cell: (a) =>
              a.status === "PENDING" ? (
                <>
                  <button type="button" onClick={() => void decide("ApproveIntegratorApp", a.id)}>
                    {t("approve")} {a.name}
                  </button>{" "}
                  <button type="button" onClick={() => void decide("RejectIntegratorApp", a.id)}>
                    {t("reject")} {a.name}
                  </button>
                </>
              ) : null,
          },
        ]}
      />
    </section>
  );
}

export function SecurityPage() {
  const t = useT();
  const overview = useOperation<Overview>("SecurityOverview");
  return (
    <>
      <h1>{t("security")}</h1>
      <Loading loading={overview.loading} />
      <Errors errors={overview.errors} />
      {overview.data ? <Policies overview={overview.data} reload={overview.reload} /> : null}
      <section aria-labelledby="purposes-heading">
        <h2 id="purposes-heading">{t("purposes")}</h2>
        <Table
          testId="purposes"
          caption={t("purposes")}
          rows={overview.data?.purposes}
          rowKey={(p) => p.name}
          columns={[
            { header: t("name"), cell: (p) => <code>{p.name}</code> },
            { header: t("legalBasis"), cell: (p) => p.active?.legalBasis ?? "—" },
            { header: t("description"), cell: (p) => p.active?.description ?? "" },
            { header: t("activeVersion"), cell: (p) => p.activeVersion ?? "—" },
          ]}
        />
      </section>
      <section aria-labelledby="limits-heading">
        <h2 id="limits-heading">{t("limits")}</h2>
        <Table
          testId="rate-limits"
          caption={`${t("limits")} (revision ${overview.data?.rateLimits?.revision ?? "—"})`}
          rows={overview.data?.rateLimits?.rules}
          rowKey={(r) => `${r.scope}:${r.subject}`}
          columns={[
            { header: "scope", cell: (r) => r.scope },
            { header: t("name"), cell: (r) => <code>{r.subject}</code> },
            { header: t("version"), cell: (r) => r.revision },
            { header: t("when"), cell: (r) => when(r.updatedAt) },
          ]}
        />
      </section>
      <AppApprovals />
    </>
  );
}
