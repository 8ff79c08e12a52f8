/**
 * Who may call what in the enterprise subgraph, and which applications and window appointments each caller sees.
 *
 * - Service applications, benefit grants and eligibility belong to an enterprise, not a resident: only officers of
 *   the enterprise departments (区行政服务中心 and the departments that review bundled-service items) see them, for
 *   enterprises registered in a street of their jurisdiction (an application's street is its enterprise's street).
 * - Window appointments happen at the district's one 行政服务中心 hall: residents see their own, 区行政服务中心
 *   officers all (the hall has no street, so jurisdiction does not narrow them).
 */
import type { ResidentRecordRule } from "../kit/actingResident.ts";
import {
  isOfficer,
  isOfficerOf,
  isResidentOrOfficerOf,
  publicField,
  recordRule,
  type SubgraphPermissions,
} from "../kit/shield.ts";
import { ADMIN_SERVICE_DESK } from "./actors.ts";
import type { ServiceApplication, WindowAppointment } from "./generated/prisma/client.ts";
import { BUNDLED_SERVICES } from "./jinganEnterprises.ts";
import type { EnterpriseContext } from "./loaders.ts";

/** 区行政服务中心 and every department that reviews an item of a bundled service. */
export const ENTERPRISE_DEPARTMENTS: readonly string[] = [
  ...new Set([
    ADMIN_SERVICE_DESK.departmentId,
    ...BUNDLED_SERVICES.flatMap((service) => service.items.map((item) => item.departmentId)),
  ]),
];

export const applicationRecords: ResidentRecordRule<ServiceApplication, EnterpriseContext> = {
  desk: ADMIN_SERVICE_DESK,
  alsoOfficersOf: ENTERPRISE_DEPARTMENTS,
  residentOf: () => null,
  streetOf: async (application, { loaders }) => (await loaders.enterpriseById.load(application.enterpriseId))?.streetId,
};

export const windowAppointmentRecords: ResidentRecordRule<WindowAppointment, EnterpriseContext> = {
  desk: ADMIN_SERVICE_DESK,
  districtWide: true,
  residentOf: (appointment) => appointment.residentId,
  streetOf: () => null,
};

const enterpriseOfficer = isOfficerOf(...ENTERPRISE_DEPARTMENTS);
const windowDesk = isResidentOrOfficerOf(ADMIN_SERVICE_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    // The enterprise register and its benefit grants: officers of any department (policies come from many).
    enterprises: isOfficer,
    enterprise: isOfficer,
    bundledServices: publicField,
    bundledService: publicField,
    serviceApplications: enterpriseOfficer,
    serviceApplication: enterpriseOfficer,
    benefitPolicies: publicField,
    benefitPolicy: publicField,
    benefitGrants: isOfficer,
    benefitEligibility: isOfficer,
    serviceWindows: publicField,
    windowSlots: publicField,
    windowAppointment: windowDesk,
  },
  Mutation: {
    submitApplication: isOfficerOf(ADMIN_SERVICE_DESK.departmentId),
    advanceApplication: enterpriseOfficer,
    // Any department may issue a policy: the resolvers check the officer against the policy's issuing department.
    createBenefitPolicy: isOfficer,
    runBenefitMatching: isOfficer,
    bookWindowAppointment: windowDesk,
    cancelWindowAppointment: windowDesk,
  },
  ServiceApplication: recordRule("service application", applicationRecords),
  WindowAppointment: recordRule("window appointment", windowAppointmentRecords),
};
