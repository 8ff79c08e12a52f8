/** Auditors (and security admins): search the data-access audit trail, and verify its hash chain. */
import { type FormEvent, useId, useState } from "react";
import { type GraphError, run } from "../graph.ts";
import { useT } from "../i18n.tsx";
import { Errors, Loading, Table, useOperation, when } from "../ui.tsx";

interface Trail {
  dataAccessRecords: {
    totalCount: number;
    nodes: Array<{
      id: string;
      sequence: string;
      occurredAt: string;
      principalId: string | null;
      principalKind: string;
      department: { name: string } | null;
      purpose: string | null;
      caseReference: string | null;
      operationName: string | null;
      subjectResidentIds: string[];
      fields: Array<{ coordinate: string; level: string; decision: string }>;
      hash: string;
    }>;
  } | null;
}
interface Verification {
  auditChainVerification: {
    intact: boolean;
    checkedRecords: number;
    startSequence: string;
    startsAtCheckpoint: boolean;
    headSequence: string;
    headHash: string;
    firstBreak: { sequence: string; reason: string; message: string } | null;
  } | null;
}

export function AuditorPage() {
  const t = useT();
  const id = useId();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const trail = useOperation<Trail>("AuditTrail", { filter, first: 50 });
  const [verification, setVerification] = useState<Verification["auditChainVerification"]>(null);
  const [errors, setErrors] = useState<GraphError[]>([]);
  const [verifying, setVerifying] = useState(false);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const key of ["principalId", "subjectResidentId", "operationName", "caseReference"]) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next[key] = value;
    }
    for (const key of ["from", "to"]) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next[key] = new Date(value).toISOString();
    }
    setFilter(next);
  }

  async function verify() {
    setVerifying(true);
    const result = await run<Verification>("AuditChainVerification");
    setVerifying(false);
    setErrors(result.errors ?? []);
    setVerification(result.data?.auditChainVerification ?? null);
  }

  return (
    <>
      <h1>{t("audit")}</h1>
      <section aria-labelledby="verify-heading">
        <h2 id="verify-heading">{t("verifyChain")}</h2>
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {t("verifyChain")}
        </button>
        <Errors errors={errors} />
        {verification ? (
          <div
            className={verification.intact ? "ok" : "errors"}
            role="status"
            data-testid="chain-verification"
            data-intact={String(verification.intact)}
          >
            <p>
              <strong>{verification.intact ? t("intact") : t("broken")}</strong>
            </p>
            <dl>
              <dt>{t("checkedRecords")}</dt>
              <dd>{verification.checkedRecords}</dd>
              <dt>sequence</dt>
              <dd>
                {verification.startSequence} → {verification.headSequence}
              </dd>
              <dt>{t("headHash")}</dt>
              <dd>
                <code>{verification.headHash}</code>
              </dd>
              {verification.firstBreak ? (
                <>
                  <dt>{t("broken")}</dt>
                  <dd>
                    {verification.firstBreak.sequence}: {verification.firstBreak.reason} —{" "}
                    {verification.firstBreak.message}
                  </dd>
                </>
              ) : null}
            </dl>
          </div>
        ) : null}
      </section>
      <section aria-labelledby="trail-heading">
        <h2 id="trail-heading">{t("auditTrail")}</h2>
        <form className="stack" onSubmit={search} aria-labelledby="trail-heading">
          <label htmlFor={`${id}-principal`}>{t("principalId")}</label>
          <input id={`${id}-principal`} name="principalId" />
          <label htmlFor={`${id}-resident`}>{t("residentId")}</label>
          <input id={`${id}-resident`} name="subjectResidentId" />
          <label htmlFor={`${id}-operation`}>{t("operationName")}</label>
          <input id={`${id}-operation`} name="operationName" />
          <label htmlFor={`${id}-case`}>case</label>
          <input id={`${id}-case`} name="caseReference" />
          <label htmlFor={`${id}-from`}>{t("from")}</label>
          <input id={`${id}-from`} name="from" type="datetime-local" />
          <label htmlFor={`${id}-to`}>{t("to")}</label>
          <input id={`${id}-to`} name="to" type="datetime-local" />
          <button type="submit">{t("search")}</button>
        </form>
        <Loading loading={trail.loading} />
        <Errors errors={trail.errors} />
        <Table
          testId="audit-trail"
          caption={`${t("auditTrail")} — ${trail.data?.dataAccessRecords?.totalCount ?? 0}`}
          rows={trail.data?.dataAccessRecords?.nodes}
          rowKey={(r) => r.id}
          columns={[
            { header: "#", cell: (r) => r.sequence },
            { header: t("when"), cell: (r) => when(r.occurredAt) },
            {
              header: t("accessor"),
              cell: (r) => [r.principalKind, r.principalId, r.department?.name].filter(Boolean).join(" · "),
            },
            { header: t("purpose"), cell: (r) => [r.purpose, r.caseReference].filter(Boolean).join(" / ") || "—" },
            { header: t("operationName"), cell: (r) => r.operationName ?? "—" },
            { header: t("residentId"), cell: (r) => r.subjectResidentIds.join(", ") },
            { header: t("fields"), cell: (r) => r.fields.map((f) => f.coordinate).join(", ") },
          ]}
        />
      </section>
    </>
  );
}
