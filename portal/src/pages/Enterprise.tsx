/** An enterprise user (法人): its applications, the 一件事 services, and its 免申即享 grants with the reason for each. */
import { currentClaims } from "../auth.ts";
import { useT } from "../i18n.tsx";
import { Errors, Loading, Table, useOperation, when } from "../ui.tsx";

interface Overview {
  enterprise: {
    id: string;
    name: string;
    creditCode: string;
    industryName: string;
    street: { name: string } | null;
    applications: Array<{
      id: string;
      status: string;
      submittedAt: string;
      bundledService: { name: string };
      timeline: Array<{ status: string; at: string; note: string | null }>;
    }> | null;
    benefitGrants: Array<{
      id: string;
      amount: number;
      grantedAt: string;
      policy: { name: string };
      reasons: Array<{ description: string }>;
    }> | null;
  } | null;
  bundledServices: {
    nodes: Array<{ id: string; name: string; promisedDays: number; statutoryDaysTotal: number }>;
  } | null;
}

export function EnterprisePage() {
  const t = useT();
  const enterpriseId = currentClaims()?.ent ?? "";
  const overview = useOperation<Overview>("EnterpriseOverview", { id: enterpriseId }, !enterpriseId);
  const enterprise = overview.data?.enterprise;
  return (
    <>
      <h1>{t("myEnterprise")}</h1>
      <Loading loading={overview.loading} />
      <Errors errors={overview.errors} />
      {enterprise ? (
        <p data-testid="enterprise-summary">
          {enterprise.name} · {enterprise.creditCode} · {enterprise.industryName} · {enterprise.street?.name}
        </p>
      ) : null}
      <section aria-labelledby="grants-heading">
        <h2 id="grants-heading">{t("grants")}</h2>
        <Table
          testId="benefit-grants"
          caption={t("grants")}
          rows={enterprise?.benefitGrants}
          rowKey={(r) => r.id}
          columns={[
            { header: t("name"), cell: (r) => r.policy.name },
            { header: t("amount"), cell: (r) => r.amount.toLocaleString("zh-CN") },
            { header: t("when"), cell: (r) => when(r.grantedAt) },
            {
              header: t("reasons"),
              cell: (r) => (
                <ul>
                  {r.reasons.map((reason) => (
                    <li key={reason.description}>{reason.description}</li>
                  ))}
                </ul>
              ),
            },
          ]}
        />
      </section>
      <section aria-labelledby="applications-heading">
        <h2 id="applications-heading">{t("applications")}</h2>
        <Table
          testId="applications"
          caption={t("applications")}
          rows={enterprise?.applications}
          rowKey={(r) => r.id}
          columns={[
            { header: t("name"), cell: (r) => r.bundledService.name },
            { header: t("when"), cell: (r) => when(r.submittedAt) },
            { header: t("status"), cell: (r) => r.status },
            {
              header: "→",
              cell: (r) =>
                r.timeline.map((e) => `${e.status} ${when(e.at)}${e.note ? ` (${e.note})` : ""}`).join(" → "),
            },
          ]}
        />
      </section>
      <section aria-labelledby="services-heading">
        <h2 id="services-heading">{t("bundledServices")}</h2>
        <Table
          testId="bundled-services"
          caption={t("bundledServices")}
          rows={overview.data?.bundledServices?.nodes}
          rowKey={(r) => r.id}
          columns={[
            { header: t("name"), cell: (r) => r.name },
            { header: t("promisedDays"), cell: (r) => `${r.promisedDays} / ${r.statutoryDaysTotal}` },
          ]}
        />
      </section>
    </>
  );
}
