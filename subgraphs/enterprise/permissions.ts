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
import { enterpriseRegisterRows } from "../kit/rowRule.ts";
import {
  anyOf,
  isEnterpriseUser,
  isOfficer,
  isOfficerOf,
  isResidentOrOfficerOf,
  publicField,
  recordRule,
  type SubgraphPermissions,
} from "../kit/shield.ts";
import { ADMIN_SERVICE_DESK } from "./actors.ts";
import type { BenefitGrant, Enterprise, ServiceApplication, WindowAppointment } from "./generated/prisma/client.ts";
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
  enterpriseOf: (application) => application.enterpriseId,
  streetOf: async (application, { loaders }) => (await loaders.enterpriseById.load(application.enterpriseId))?.streetId,
};

export const windowAppointmentRecords: ResidentRecordRule<WindowAppointment, EnterpriseContext> = {
  desk: ADMIN_SERVICE_DESK,
  districtWide: true,
  residentOf: (appointment) => appointment.residentId,
  streetOf: () => null,
};

/**
 * The enterprise register (在册企业): officers of any department (benefit policies come from many), nobody else — on
 * `enterprises`, `enterprise(id)`, `Street.enterprises`, every record's `enterprise` and `_entities` alike. The catalog
 * applies the same rule to its `Enterprise` (officerRegisterRows in the kit).
 */
export const enterpriseRows = enterpriseRegisterRows<Enterprise, EnterpriseContext>("Enterprise", (row) => row.id);

/**
 * Benefits granted to enterprises (免申即享): part of the register, the same officers on every path, and the
 * enterprise user (法人) of the granted enterprise for its own grants.
 */
export const grantRows = enterpriseRegisterRows<BenefitGrant, EnterpriseContext>(
  "BenefitGrant",
  (grant) => grant.enterpriseId,
);

const enterpriseOfficer = isOfficerOf(...ENTERPRISE_DEPARTMENTS);
const windowDesk = isResidentOrOfficerOf(ADMIN_SERVICE_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    // The enterprise register and its benefit grants: officers of any department (policies come from many).
    enterprises: isOfficer,
    // An enterprise user (法人) reads its own entry, applications and grants; the row rules hold it to them.
    enterprise: anyOf(isOfficer, isEnterpriseUser),
    bundledServices: publicField,
    bundledService: publicField,
    serviceApplications: anyOf(enterpriseOfficer, isEnterpriseUser),
    serviceApplication: anyOf(enterpriseOfficer, isEnterpriseUser),
    benefitPolicies: publicField,
    benefitPolicy: publicField,
    benefitGrants: anyOf(isOfficer, isEnterpriseUser),
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
  // The register of enterprises is for officers, on every path that reaches it (the root fields say so above).
  Street: { enterprises: isOfficer },
  ServiceApplication: recordRule("service application", applicationRecords),
  WindowAppointment: recordRule("window appointment", windowAppointmentRecords),
};
