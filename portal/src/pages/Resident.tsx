/** A resident's own records across departments, and who accessed their data (from the audit), with the purpose. */
import { useT } from "../i18n.tsx";
import { Errors, Loading, Table, useOperation, when } from "../ui.tsx";

type Named = { name: string } | null;
interface Records {
  me: {
    displayName: string;
    resident: {
      id: string;
      name: string | null;
      idNumberMasked: string | null;
      phoneMasked: string | null;
      street: Named;
      appointments: Array<{ id: string; status: string; slot: { startsAt: string; doctor: Named; hospital: Named } }>;
      courseEnrolments: Array<{
        id: string;
        status: string;
        course: { title: string; weekday: string; startTime: string };
      }>;
      courtBookings: Array<{ id: string; status: string; startsAt: string; court: Named; venue: Named }>;
      sportsEventRegistrations: Array<{ id: string; status: string; registeredAt: string; event: Named }>;
      cultureRegistrations: Array<{
        id: string;
        status: string;
        waitlistPosition: number | null;
        programme: { title: string; startsAt: string };
      }>;
      parkingSessions: Array<{ id: string; status: string; plate: string; startedAt: string; facility: Named }>;
      windowAppointments: Array<{ id: string; status: string; startsAt: string; window: Named }>;
    } | null;
  } | null;
}
interface Accesses {
  me: {
    resident: {
      dataAccesses: {
        totalCount: number;
        nodes: Array<{
          id: string;
          occurredAt: string;
          accessorKind: string;
          accessorDepartment: Named;
          application: string | null;
          purpose: string | null;
          fields: Array<{ coordinate: string; level: string; decision: string }>;
        }>;
      } | null;
    } | null;
  } | null;
}

const byId = (row: { id: string }) => row.id;

export function ResidentPage() {
  const t = useT();
  const records = useOperation<Records>("ResidentRecords");
  const accesses = useOperation<Accesses>("ResidentDataAccesses", { first: 50 });
  const resident = records.data?.me?.resident;
  return (
    <>
      <h1>{t("myRecords")}</h1>
      <Loading loading={records.loading} />
      <Errors errors={records.errors} />
      {resident ? (
        <p data-testid="resident-summary">
          {resident.name} · {resident.idNumberMasked} · {resident.phoneMasked} · {resident.street?.name}
        </p>
      ) : null}
      <section aria-labelledby="records-heading">
        <h2 id="records-heading">{t("myRecords")}</h2>
        <Table
          testId="appointments"
          caption={t("appointments")}
          rows={resident?.appointments}
          rowKey={byId}
          columns={[
            { header: t("when"), cell: (r) => when(r.slot.startsAt) },
            { header: t("name"), cell: (r) => `${r.slot.hospital?.name ?? ""} ${r.slot.doctor?.name ?? ""}` },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
        <Table
          testId="enrolments"
          caption={t("enrolments")}
          rows={resident?.courseEnrolments}
          rowKey={byId}
          columns={[
            { header: t("name"), cell: (r) => r.course.title },
            { header: t("when"), cell: (r) => `${r.course.weekday} ${r.course.startTime}` },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
        <Table
          testId="court-bookings"
          caption={t("courtBookings")}
          rows={resident?.courtBookings}
          rowKey={byId}
          columns={[
            { header: t("when"), cell: (r) => when(r.startsAt) },
            { header: t("name"), cell: (r) => `${r.venue?.name ?? ""} ${r.court?.name ?? ""}` },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
        <Table
          testId="event-registrations"
          caption={t("eventRegistrations")}
          rows={resident?.sportsEventRegistrations}
          rowKey={byId}
          columns={[
            { header: t("name"), cell: (r) => r.event?.name },
            { header: t("when"), cell: (r) => when(r.registeredAt) },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
        <Table
          testId="culture-registrations"
          caption={t("cultureRegistrations")}
          rows={resident?.cultureRegistrations}
          rowKey={byId}
          columns={[
            { header: t("name"), cell: (r) => r.programme.title },
            { header: t("when"), cell: (r) => when(r.programme.startsAt) },
            {
              header: t("status"),
              cell: (r) => (r.waitlistPosition ? `${r.status} #${r.waitlistPosition}` : r.status),
            },
          ]}
        />
        <Table
          testId="parking-sessions"
          caption={t("parkingSessions")}
          rows={resident?.parkingSessions}
          rowKey={byId}
          columns={[
            { header: t("name"), cell: (r) => `${r.facility?.name ?? ""} ${r.plate}` },
            { header: t("when"), cell: (r) => when(r.startedAt) },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
        <Table
          testId="window-appointments"
          caption={t("windowAppointments")}
          rows={resident?.windowAppointments}
          rowKey={byId}
          columns={[
            { header: t("name"), cell: (r) => r.window?.name },
            { header: t("when"), cell: (r) => when(r.startsAt) },
            { header: t("status"), cell: (r) => r.status },
          ]}
        />
      </section>
      <section aria-labelledby="accesses-heading">
        <h2 id="accesses-heading">{t("whoAccessed")}</h2>
        <Loading loading={accesses.loading} />
        <Errors errors={accesses.errors} />
        <Table
          testId="data-accesses"
          caption={t("whoAccessed")}
          rows={accesses.data?.me?.resident?.dataAccesses?.nodes}
          rowKey={byId}
          columns={[
            { header: t("when"), cell: (r) => when(r.occurredAt) },
            {
              header: t("accessor"),
              cell: (r) => [r.accessorKind, r.accessorDepartment?.name, r.application].filter(Boolean).join(" · "),
            },
            { header: t("purpose"), cell: (r) => r.purpose ?? "—" },
            {
              header: t("fields"),
              cell: (r) => r.fields.map((f) => `${f.coordinate} (${f.level}, ${f.decision})`).join("; "),
            },
          ]}
        />
      </section>
    </>
  );
}
