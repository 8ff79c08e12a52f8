/**
 * Resolvers of the enterprise subgraph. Root lists page with the kit's `paginate`; every hop from a row to another
 * row goes through the request's loaders; writes live in `applications.ts`, `benefitPolicies.ts`,
 * `benefitMatching.ts` and `windowBooking.ts`.
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { GraphQLScalarType, valueFromASTUntyped } from "graphql";
import { codedError } from "../../lib/errors.ts";
import {
  actingResident,
  canActFor,
  guardResidentRecords,
  readableRecords,
  residentReference,
} from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { keysetRows, pageOf } from "../kit/pageOf.ts";
import type { ConnectionArgs, ListArgs, PageRequest } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { paginateVisible, visibleRow, visibleRows } from "../kit/rowRule.ts";
import { nameFilter } from "../kit/textFilter.ts";
import { ADMIN_SERVICE_DESK, requireOfficerOf } from "./actors.ts";
import {
  type AdvanceApplicationInput,
  advanceApplication,
  type SubmitApplicationInput,
  submitApplication,
} from "./applications.ts";
import { allowedNextStatuses, bundleMaterials, holderOf } from "./applicationWorkflow.ts";
import { describeClause, type MatchedClause } from "./benefitCriteria.ts";
import { explainEligibility, isoDate, runBenefitMatching } from "./benefitMatching.ts";
import { type CreateBenefitPolicyInput, createBenefitPolicy } from "./benefitPolicies.ts";
import { creditCodeProblem } from "./creditCode.ts";
import type {
  ApplicationEvent,
  BenefitGrant,
  BenefitMatchingRun,
  BenefitPolicy,
  BundledService,
  Enterprise,
  EnterpriseSizeClass,
  Prisma,
  ServiceApplication,
  ServiceApplicationStatus,
  ServiceItem,
  ServiceWindow,
  WindowAppointment,
  WindowSlot,
} from "./generated/prisma/client.ts";
import { INDUSTRY_SECTIONS, PARKS, type ParkInfo } from "./jinganEnterprises.ts";
import type { EnterpriseContext, EnterpriseLoaders, EnterprisePrisma } from "./loaders.ts";
import { applicationRecords, enterpriseRows, grantRows, windowAppointmentRecords } from "./permissions.ts";
import {
  type BookWindowAppointmentInput,
  bookWindowAppointment,
  type CancelWindowAppointmentInput,
  cancelWindowAppointment,
} from "./windowBooking.ts";

/** Three weeks of slots of 11 windows: a day of the whole centre is about 120 slots. */
export const WINDOW_SLOTS_MAX_PAGE_SIZE = 200;

interface EnterpriseFilter {
  streetId?: string | null;
  industryCode?: string | null;
  sizeClass?: EnterpriseSizeClass | null;
  isHighTech?: boolean | null;
  parkId?: string | null;
  nameContains?: string | null;
  creditCode?: string | null;
}

interface BundledServiceFilter {
  departmentId?: string | null;
  nameContains?: string | null;
}

interface ServiceApplicationFilter {
  enterpriseId?: string | null;
  status?: ServiceApplicationStatus | null;
  serviceId?: string | null;
  submittedFrom?: Date | null;
  submittedTo?: Date | null;
}

interface BenefitPolicyFilter {
  issuingDepartmentId?: string | null;
  inForceOn?: string | null;
}

interface BenefitGrantFilter {
  policyId?: string | null;
  enterpriseId?: string | null;
  runId?: string | null;
}

interface WindowSlotFilter {
  windowId?: string | null;
  serviceId?: string | null;
  from?: Date | null;
  to?: Date | null;
  availableOnly?: boolean | null;
}

export interface EnterpriseResolverOptions {
  /** The current time. Tests pass a fixed clock; the service uses the real one. */
  now?: () => Date;
}

/** Criteria travel as JSON objects; they are validated by the mutation that stores them, with paths in messages. */
const BenefitCriteria = new GraphQLScalarType({
  name: "BenefitCriteria",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

const byId = resolveById<EnterpriseContext>();

export function createResolvers(options: EnterpriseResolverOptions = {}): GraphQLResolverMap<EnterpriseContext> {
  const now = options.now ?? (() => new Date());

  return {
    DateTime,
    BenefitCriteria,

    Query: {
      enterprises: async (_: unknown, args: ListArgs<EnterpriseFilter>, context: EnterpriseContext) => {
        const { prisma } = context;
        const where = enterpriseWhere(args.filter);
        const rows = keysetRows(prisma.enterprise, where);
        return paginateVisible(enterpriseRows, context, "enterprises", args, rows.fetch, rows.count);
      },
      enterprise: byId.argument("enterpriseById", enterpriseRows),

      bundledServices: (_: unknown, args: ListArgs<BundledServiceFilter>, { prisma }: EnterpriseContext) => {
        const where: Prisma.BundledServiceWhereInput = {
          name: nameFilter(args.filter?.nameContains, "filter.nameContains"),
          items: args.filter?.departmentId ? { some: { departmentId: args.filter.departmentId } } : undefined,
        };
        return pageOf("bundledServices", args, prisma.bundledService, where);
      },
      bundledService: byId.argument("bundledServiceById"),

      serviceApplications: (
        _: unknown,
        args: ListArgs<ServiceApplicationFilter>,
        { prisma, principal }: EnterpriseContext,
      ) => {
        // The row rule pushed into the query, so pages stay full: an enterprise user's own enterprise, or the
        // enterprises of the officer's streets.
        const where =
          principal.kind === "enterprise"
            ? { ...applicationWhere(args.filter), enterpriseId: principal.enterpriseId ?? "" }
            : { ...applicationWhere(args.filter), enterprise: { streetId: { in: principal.streetIds } } };
        return pageOf("serviceApplications", args, prisma.serviceApplication, where);
      },
      serviceApplication: byId.argument("applicationById", applicationRecords),

      benefitPolicies: (_: unknown, args: ListArgs<BenefitPolicyFilter>, { prisma }: EnterpriseContext) => {
        const where = policyWhere(args.filter);
        return pageOf("benefitPolicies", args, prisma.benefitPolicy, where);
      },
      benefitPolicy: byId.argument("policyById"),

      benefitGrants: (_: unknown, args: ListArgs<BenefitGrantFilter>, context: EnterpriseContext) => {
        const { prisma } = context;
        const where: Prisma.BenefitGrantWhereInput = {
          policyId: args.filter?.policyId ?? undefined,
          enterpriseId: args.filter?.enterpriseId ?? undefined,
          runId: args.filter?.runId ?? undefined,
        };
        // An enterprise user's own grants only, pushed into the query so pages and totals count no other's.
        if (context.principal.kind === "enterprise") {
          where.AND = [{ enterpriseId: context.principal.enterpriseId ?? "" }];
        }
        const rows = keysetRows(prisma.benefitGrant, where);
        return paginateVisible(grantRows, context, "benefitGrants", args, rows.fetch, rows.count);
      },

      benefitEligibility: async (
        _: unknown,
        { policyId, enterpriseId }: { policyId: string; enterpriseId: string },
        context: EnterpriseContext,
      ) => {
        const [policy, enterprise] = await Promise.all([
          context.loaders.policyById.load(policyId),
          context.loaders.enterpriseById.load(enterpriseId).then((found) => visibleRow(enterpriseRows, found, context)),
        ]);
        if (!policy || !enterprise) return null;
        const evaluation = explainEligibility(policy, enterprise);
        return { policy, enterprise, ...evaluation };
      },

      serviceWindows: (_: unknown, __: unknown, { loaders }: EnterpriseContext) => loaders.allWindows.load("all"),

      windowSlots: async (_: unknown, args: ListArgs<WindowSlotFilter>, { prisma, loaders }: EnterpriseContext) => {
        const where = await slotWhere(args.filter, now(), prisma, loaders);
        return pageOf("windowSlots", args, prisma.windowSlot, where, { maxPageSize: WINDOW_SLOTS_MAX_PAGE_SIZE });
      },
      windowAppointment: byId.argument("appointmentById", windowAppointmentRecords),
    },

    Mutation: {
      submitApplication: async (
        _: unknown,
        { input }: { input: SubmitApplicationInput },
        { prisma, loaders, principal }: EnterpriseContext,
      ) => {
        requireOfficerOf(principal, [ADMIN_SERVICE_DESK.departmentId], "submit an application for an enterprise");
        const application = await submitApplication(prisma, input, now());
        loaders.applicationById.prime(application.id, application);
        return application;
      },
      advanceApplication: async (
        _: unknown,
        { input }: { input: AdvanceApplicationInput },
        { prisma, loaders, principal }: EnterpriseContext,
      ) => {
        const application = await advanceApplication(prisma, input, now(), (actingDepartmentId) =>
          requireOfficerOf(principal, [actingDepartmentId], `move application "${input.applicationId}" on now`),
        );
        loaders.applicationById.clear(application.id).prime(application.id, application);
        loaders.eventsByApplication.clear(application.id);
        return application;
      },
      createBenefitPolicy: (
        _: unknown,
        { input }: { input: CreateBenefitPolicyInput },
        { prisma, principal }: EnterpriseContext,
      ) => {
        requireOfficerOf(principal, [input.issuingDepartmentId], "create a benefit policy it issues");
        return createBenefitPolicy(prisma, input, now());
      },
      runBenefitMatching: (
        _: unknown,
        { input }: { input: { policyId: string } },
        { prisma, principal }: EnterpriseContext,
      ) =>
        runBenefitMatching(prisma, input.policyId, {
          now,
          authorize: (policy) =>
            requireOfficerOf(
              principal,
              [policy.issuingDepartmentId, ADMIN_SERVICE_DESK.departmentId],
              `run the matching of policy "${policy.id}"`,
            ),
        }),
      bookWindowAppointment: async (
        _: unknown,
        { input }: { input: BookWindowAppointmentInput },
        { prisma, loaders, principal, residentStreets }: EnterpriseContext,
      ) => {
        let residentId = input.residentId;
        if (input.enterpriseId?.trim()) {
          requireOfficerOf(principal, [ADMIN_SERVICE_DESK.departmentId], "book a window for an enterprise");
        } else {
          residentId = await actingResident(
            { principal, residentStreets },
            input.residentId?.trim(),
            ADMIN_SERVICE_DESK,
          );
        }
        const { appointment, slot } = await bookWindowAppointment(prisma, { ...input, residentId }, now());
        loaders.slotById.clear(slot.id).prime(slot.id, slot);
        return appointment;
      },
      cancelWindowAppointment: async (
        _: unknown,
        { input }: { input: CancelWindowAppointmentInput },
        { prisma, loaders, principal, residentStreets }: EnterpriseContext,
      ) => {
        const existing = await loaders.appointmentById.load(input.appointmentId);
        if (existing) {
          // Someone else's appointment answers exactly like one that does not exist: no existence leak.
          const mine = existing.residentId
            ? await canActFor({ principal, residentStreets }, existing.residentId, ADMIN_SERVICE_DESK)
            : principal.kind !== "resident";
          if (!mine) {
            throw codedError(
              "NOT_FOUND_ENTITY",
              `There is no window appointment "${input.appointmentId}" among yours.`,
              {
                argument: "input.appointmentId",
              },
            );
          }
          if (existing.enterpriseId) {
            requireOfficerOf(principal, [ADMIN_SERVICE_DESK.departmentId], "cancel an enterprise's window appointment");
          }
        }
        const { appointment, slot } = await cancelWindowAppointment(prisma, input, now());
        loaders.slotById.clear(slot.id).prime(slot.id, slot);
        return appointment;
      },
    },

    Enterprise: {
      __resolveReference: byId.reference("enterpriseById", enterpriseRows),
      industrySection: (enterprise: Enterprise) => enterprise.industryCode.slice(0, 1),
      industrySectionName: (enterprise: Enterprise) => INDUSTRY_SECTIONS[enterprise.industryCode.slice(0, 1)] ?? "",
      foundedOn: (enterprise: Enterprise) => isoDate(enterprise.foundedOn),
      isIndividualBusiness: (enterprise: Enterprise) => enterprise.creditCode[1] === "2",
      street: (enterprise: Enterprise) => streetRef(enterprise.streetId),
      park: (enterprise: Enterprise) => PARKS.find((park) => park.id === enterprise.parkId) ?? null,
      applications: async (
        enterprise: Enterprise,
        { status }: { status?: ServiceApplicationStatus | null },
        context: EnterpriseContext,
      ) => {
        const applications = await readableRecords(
          applicationRecords,
          await context.loaders.applicationsByEnterprise.load(enterprise.id),
          context,
        );
        return status ? applications.filter((application) => application.status === status) : applications;
      },
      benefitGrants: async (enterprise: Enterprise, _: unknown, context: EnterpriseContext) =>
        visibleRows(grantRows, await context.loaders.grantsByEnterprise.load(enterprise.id), context),
      windowAppointments: async (enterprise: Enterprise, _: unknown, context: EnterpriseContext) =>
        readableRecords(
          windowAppointmentRecords,
          await context.loaders.appointmentsByEnterprise.load(enterprise.id),
          context,
        ),
    },

    EnterprisePark: {
      street: (park: ParkInfo) => streetRef(park.streetId),
    },

    BundledService: {
      __resolveReference: byId.reference("bundledServiceById"),
      items: (service: BundledService, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.itemsByService.load(service.id),
      materials: async (service: BundledService, _: unknown, { loaders }: EnterpriseContext) =>
        bundleMaterials(await loaders.itemsByService.load(service.id)),
      statutoryDaysTotal: async (service: BundledService, _: unknown, { loaders }: EnterpriseContext) =>
        (await loaders.itemsByService.load(service.id)).reduce((sum, item) => sum + item.statutoryTimeLimitDays, 0),
    },

    ServiceItem: {
      __resolveReference: byId.reference("serviceItemById"),
      department: (item: ServiceItem) => departmentRef(item.departmentId),
      bundledService: (item: ServiceItem, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.bundledServiceById.load(item.bundledServiceId),
    },

    ServiceApplication: {
      __resolveReference: byId.reference("applicationById", applicationRecords),
      enterprise: async (application: ServiceApplication, _: unknown, context: EnterpriseContext) =>
        visibleRow(enterpriseRows, await context.loaders.enterpriseById.load(application.enterpriseId), context),
      bundledService: (application: ServiceApplication, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.bundledServiceById.load(application.bundledServiceId),
      currentItem: (application: ServiceApplication, _: unknown, { loaders }: EnterpriseContext) =>
        application.currentItemId ? loaders.serviceItemById.load(application.currentItemId) : null,
      timeline: (application: ServiceApplication, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.eventsByApplication.load(application.id),
      allowedNextStatuses: async (application: ServiceApplication, _: unknown, { loaders }: EnterpriseContext) =>
        allowedNextStatuses(application, await loaders.itemsByService.load(application.bundledServiceId)),
      handledBy: async (application: ServiceApplication, _: unknown, { loaders }: EnterpriseContext) => {
        const holder = holderOf(application, await loaders.itemsByService.load(application.bundledServiceId));
        return holder ? departmentRef(holder) : null;
      },
    },

    ApplicationEvent: {
      department: (event: ApplicationEvent) => departmentRef(event.departmentId),
      serviceItem: (event: ApplicationEvent, _: unknown, { loaders }: EnterpriseContext) =>
        event.serviceItemId ? loaders.serviceItemById.load(event.serviceItemId) : null,
    },

    BenefitPolicy: {
      __resolveReference: byId.reference("policyById"),
      validFrom: (policy: BenefitPolicy) => isoDate(policy.validFrom),
      validTo: (policy: BenefitPolicy) => isoDate(policy.validTo),
      issuingDepartment: (policy: BenefitPolicy) => departmentRef(policy.issuingDepartmentId),
      grantCount: (policy: BenefitPolicy, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.grantCountByPolicy.load(policy.id),
      matchingRuns: (policy: BenefitPolicy, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.runsByPolicy.load(policy.id),
    },

    BenefitMatchingRun: {
      __resolveReference: byId.reference("runById"),
      policy: (run: BenefitMatchingRun, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.policyById.load(run.policyId),
    },

    BenefitGrant: {
      __resolveReference: byId.reference("grantById", grantRows),
      enterprise: async (grant: BenefitGrant, _: unknown, context: EnterpriseContext) =>
        visibleRow(enterpriseRows, await context.loaders.enterpriseById.load(grant.enterpriseId), context),
      policy: (grant: BenefitGrant, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.policyById.load(grant.policyId),
      run: (grant: BenefitGrant, _: unknown, { loaders }: EnterpriseContext) => loaders.runById.load(grant.runId),
      reasons: (grant: BenefitGrant) => clauses(grant.reasons as unknown as MatchedClause[]),
    },

    BenefitEligibility: {
      reasons: (eligibility: { reasons: MatchedClause[] }) => clauses(eligibility.reasons),
      failures: (eligibility: { failures: MatchedClause[] }) => clauses(eligibility.failures),
      grant: async (
        eligibility: { policy: BenefitPolicy; enterprise: Enterprise },
        _: unknown,
        context: EnterpriseContext,
      ) =>
        visibleRow(
          grantRows,
          await context.loaders.grantByPolicyAndEnterprise.load(
            `${eligibility.policy.id}|${eligibility.enterprise.id}`,
          ),
          context,
        ),
    },

    ServiceWindow: {
      __resolveReference: byId.reference("windowById"),
      handlesEveryService: (window: ServiceWindow) => window.serviceIds.length === 0,
      // The centre has a handful of bundles: load them all once and pick, whatever the window.
      services: async (window: ServiceWindow, _: unknown, { loaders }: EnterpriseContext) => {
        const services = await loaders.allBundledServices.load("all");
        return window.serviceIds.length === 0
          ? services
          : services.filter((service) => window.serviceIds.includes(service.id));
      },
    },

    WindowSlot: {
      __resolveReference: byId.reference("slotById"),
      window: (slot: WindowSlot, _: unknown, { loaders }: EnterpriseContext) => loaders.windowById.load(slot.windowId),
      remaining: (slot: WindowSlot) => Math.max(0, slot.capacity - slot.bookedCount),
      bookable: (slot: WindowSlot) => slot.bookedCount < slot.capacity && slot.startsAt > now(),
    },

    WindowAppointment: {
      __resolveReference: byId.reference("appointmentById", windowAppointmentRecords),
      slot: (appointment: WindowAppointment, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.slotById.load(appointment.slotId),
      window: (appointment: WindowAppointment, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.windowById.load(appointment.windowId),
      enterprise: async (appointment: WindowAppointment, _: unknown, context: EnterpriseContext) =>
        appointment.enterpriseId
          ? visibleRow(enterpriseRows, await context.loaders.enterpriseById.load(appointment.enterpriseId), context)
          : null,
      resident: (appointment: WindowAppointment) =>
        appointment.residentId ? { __typename: "Resident", id: appointment.residentId } : null,
      bundledService: (appointment: WindowAppointment, _: unknown, { loaders }: EnterpriseContext) =>
        appointment.bundledServiceId ? loaders.bundledServiceById.load(appointment.bundledServiceId) : null,
    },

    // Street and Department belong to the catalog, Resident to the identity subgraph; the gateway hands us their ids
    // and asks for our fields.
    Street: {
      enterprises: (street: Reference, args: ConnectionArgs, context: EnterpriseContext) =>
        paginateVisible(
          enterpriseRows,
          context,
          "streetEnterprises",
          args,
          (page: PageRequest) => context.loaders.enterprisePageByStreet.load({ streetId: street.id, ...page }),
          () => context.loaders.enterpriseCountByStreet.load(street.id),
        ),
    },

    Department: {
      serviceItems: (department: Reference, _: unknown, { loaders }: EnterpriseContext) =>
        loaders.itemsByDepartment.load(department.id),
    },

    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(ADMIN_SERVICE_DESK, {
        windowAppointments: async (resident: Reference, _: unknown, context: EnterpriseContext) =>
          readableRecords(
            windowAppointmentRecords,
            await context.loaders.appointmentsByResident.load(resident.id),
            context,
          ),
      }),
    },
  };
}

function streetRef(id: string) {
  return { __typename: "Street", id };
}

function departmentRef(id: string) {
  return { __typename: "Department", id };
}

function clauses(reasons: MatchedClause[]) {
  return reasons.map((clause) => ({
    path: clause.path,
    field: clause.field,
    operator: clause.operator,
    expected: JSON.stringify(clause.expected),
    actual: JSON.stringify(clause.actual),
    negated: clause.negated,
    description: describeClause(clause),
  }));
}

const INDUSTRY_FILTER = /^[A-T](\d{2})?$/;

function enterpriseWhere(filter: EnterpriseFilter | null | undefined): Prisma.EnterpriseWhereInput {
  const industry = filter?.industryCode?.trim().toUpperCase();
  if (industry && !INDUSTRY_FILTER.test(industry)) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.industryCode "${filter?.industryCode}" is neither a GB/T 4754-2017 section letter (I) nor a division (I65); write one of those.`,
      { argument: "filter.industryCode" },
    );
  }
  const creditCode = filter?.creditCode?.trim().toUpperCase();
  if (creditCode) {
    const problem = creditCodeProblem(creditCode);
    if (problem) throw codedError("BAD_USER_INPUT", problem, { argument: "filter.creditCode" });
  }
  return {
    streetId: filter?.streetId ?? undefined,
    industryCode: industry ? (industry.length === 1 ? { startsWith: industry } : industry) : undefined,
    sizeClass: filter?.sizeClass ?? undefined,
    isHighTech: filter?.isHighTech ?? undefined,
    parkId: filter?.parkId ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
    creditCode: creditCode || undefined,
  };
}

function applicationWhere(filter: ServiceApplicationFilter | null | undefined): Prisma.ServiceApplicationWhereInput {
  const { submittedFrom, submittedTo } = filter ?? {};
  if (submittedFrom && submittedTo && submittedFrom.getTime() >= submittedTo.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.submittedFrom (${submittedFrom.toISOString()}) must be before filter.submittedTo (${submittedTo.toISOString()}); swap them or widen the range.`,
      { argument: "filter.submittedFrom" },
    );
  }
  return {
    enterpriseId: filter?.enterpriseId ?? undefined,
    status: filter?.status ?? undefined,
    bundledServiceId: filter?.serviceId ?? undefined,
    submittedAt:
      submittedFrom || submittedTo
        ? { ...(submittedFrom ? { gte: submittedFrom } : {}), ...(submittedTo ? { lt: submittedTo } : {}) }
        : undefined,
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function policyWhere(filter: BenefitPolicyFilter | null | undefined): Prisma.BenefitPolicyWhereInput {
  const day = filter?.inForceOn?.trim();
  if (day && (!ISO_DATE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))) {
    throw codedError("BAD_USER_INPUT", `filter.inForceOn "${day}" is not a date; write it as YYYY-MM-DD.`, {
      argument: "filter.inForceOn",
    });
  }
  const date = day ? new Date(`${day}T00:00:00Z`) : undefined;
  return {
    issuingDepartmentId: filter?.issuingDepartmentId ?? undefined,
    validFrom: date ? { lte: date } : undefined,
    validTo: date ? { gte: date } : undefined,
  };
}

async function slotWhere(
  filter: WindowSlotFilter | null | undefined,
  now: Date,
  prisma: EnterprisePrisma,
  loaders: EnterpriseLoaders,
): Promise<Prisma.WindowSlotWhereInput> {
  const { from, to, availableOnly, windowId, serviceId } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()}); swap them or widen the range.`,
      { argument: "filter.from" },
    );
  }
  const startsAt: Prisma.DateTimeFilter<"WindowSlot"> = {
    ...(from ? { gte: from } : {}),
    ...(to ? { lt: to } : {}),
    ...(availableOnly ? { gt: now } : {}),
  };
  let windowIds: string[] | undefined;
  if (serviceId) {
    // Reference data the request's `window` hops reuse; windows that take every service have an empty list.
    const [services, windows] = await Promise.all([
      loaders.allBundledServices.load("all"),
      loaders.allWindows.load("all"),
    ]);
    if (!services.some((service) => service.id === serviceId)) {
      throw codedError(
        "BAD_USER_INPUT",
        `filter.serviceId "${serviceId}" is not a bundled service; choose one from bundledServices.`,
        { argument: "filter.serviceId" },
      );
    }
    windowIds = windows
      .filter((window) => window.serviceIds.length === 0 || window.serviceIds.includes(serviceId))
      .map((window) => window.id);
  }
  return {
    AND: [
      windowId ? { windowId } : {},
      windowIds ? { windowId: { in: windowIds } } : {},
      Object.keys(startsAt).length > 0 ? { startsAt } : {},
      availableOnly ? { bookedCount: { lt: prisma.windowSlot.fields.capacity } } : {},
    ],
  };
}
