/**
 * Who may call what in the culture subgraph, and which programme registrations each caller sees. A registration's
 * street (for an officer's jurisdiction) is the programme's street, where the delivery takes place.
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import { isResidentOrOfficerOf, publicField, recordRule, type SubgraphPermissions } from "../kit/shield.ts";
import type { CultureRegistration } from "./generated/prisma/client.ts";
import { CULTURE_DEPARTMENT_ID } from "./jinganStreets.ts";
import type { CultureContext } from "./loaders.ts";

export const CULTURE_DESK: DepartmentDesk = { departmentId: CULTURE_DEPARTMENT_ID, name: "区文化旅游局" };

export const cultureRegistrationRecords: ResidentRecordRule<CultureRegistration, CultureContext> = {
  desk: CULTURE_DESK,
  residentOf: (registration) => registration.residentId,
  streetOf: async (registration, { loaders }) => (await loaders.programmeById.load(registration.programmeId))?.streetId,
};

const desk = isResidentOrOfficerOf(CULTURE_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    cultureVenues: publicField,
    cultureVenue: publicField,
    readableBuildings: publicField,
    readableBuilding: publicField,
    readableBuildingByQrCode: publicField,
    cultureProgrammes: publicField,
    cultureProgramme: publicField,
    cultureRegistration: desk,
    tourismRoutes: publicField,
    tourismRoute: publicField,
  },
  Mutation: {
    registerForCultureProgramme: desk,
    cancelCultureRegistration: desk,
  },
  CultureRegistration: recordRule("culture registration", cultureRegistrationRecords),
};
