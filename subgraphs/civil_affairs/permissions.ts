/**
 * Who may call what in the civil affairs subgraph — anyone the register of nursing homes, which is open data — and
 * which subsidies each caller sees: the resident's own, or
 * 区民政局 officers' of the resident's street (the subsidy's street office).
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import { isResidentOrOfficerOf, publicField, recordRule, type SubgraphPermissions } from "../kit/shield.ts";
import type { ElderlyCareSubsidy } from "./generated/prisma/client.ts";
import type { CivilAffairsContext } from "./loaders.ts";

export const CIVIL_AFFAIRS_DESK: DepartmentDesk = { departmentId: "dept-civil-affairs", name: "区民政局" };

export const subsidyRecords: ResidentRecordRule<ElderlyCareSubsidy, CivilAffairsContext> = {
  desk: CIVIL_AFFAIRS_DESK,
  residentOf: (subsidy) => subsidy.residentId,
  streetOf: async (subsidy) => subsidy.streetId,
};

export const permissions: SubgraphPermissions = {
  Query: {
    // The register of nursing homes and their free beds is open data (res-0063, PUBLIC/OPEN).
    nursingHomes: publicField,
    nursingHome: publicField,
    elderlyCareSubsidy: isResidentOrOfficerOf(CIVIL_AFFAIRS_DESK),
  },
  ElderlyCareSubsidy: recordRule("elderly-care subsidy", subsidyRecords),
};
