/**
 * Who may call what in the parking subgraph, and which parking sessions each caller sees. A session's street (for an
 * officer's jurisdiction) is the street of its parking facility (car park, garage or road section).
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import { isResidentOrOfficerOf, publicField, recordRule, type SubgraphPermissions } from "../kit/shield.ts";
import type { ParkingSession } from "./generated/prisma/client.ts";
import type { ParkingContext } from "./loaders.ts";

export const PARKING_DESK: DepartmentDesk = { departmentId: "dept-transport", name: "区建管委" };

export const parkingSessionRecords: ResidentRecordRule<ParkingSession, ParkingContext> = {
  desk: PARKING_DESK,
  residentOf: (session) => session.residentId,
  streetOf: async (session, { loaders }) => (await loaders.facilityById.load(session.facilityId))?.streetId,
};

const desk = isResidentOrOfficerOf(PARKING_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    parkingFacilities: publicField,
    parkingFacility: publicField,
    chargingStations: publicField,
    chargingStation: publicField,
    parkingSession: desk,
  },
  Mutation: {
    startParkingSession: desk,
    endParkingSession: desk,
  },
  ParkingSession: recordRule("parking session", parkingSessionRecords),
};
