/**
 * Who may call what in the sports subgraph, and which court bookings and event registrations each caller sees. A
 * record's street (for an officer's jurisdiction) is the street of the facility where it happens: the venue of a
 * booked court, the event's street (else its venue's). A record without a street is seen by no officer.
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import { isResidentOrOfficerOf, publicField, recordRule, type SubgraphPermissions } from "../kit/shield.ts";
import type { CourtBooking, SportsEvent, SportsEventRegistration } from "./generated/prisma/client.ts";
import type { SportsContext } from "./loaders.ts";

export const SPORTS_DESK: DepartmentDesk = { departmentId: "dept-sports", name: "区体育局" };

export const courtBookingRecords: ResidentRecordRule<CourtBooking, SportsContext> = {
  desk: SPORTS_DESK,
  residentOf: (booking) => booking.residentId,
  streetOf: async (booking, { loaders }) => {
    const court = await loaders.courtById.load(booking.courtId);
    return court && (await loaders.venueById.load(court.venueId))?.streetId;
  },
};

export const eventRegistrationRecords: ResidentRecordRule<SportsEventRegistration, SportsContext> = {
  desk: SPORTS_DESK,
  residentOf: (registration) => registration.residentId,
  streetOf: async (registration, { loaders }) => {
    const event = await loaders.eventById.load(registration.eventId);
    return eventStreet(event, loaders);
  },
};

/** Where an event happens: its own street, else its venue's. */
export async function eventStreet(
  event: SportsEvent | null,
  loaders: SportsContext["loaders"],
): Promise<string | null | undefined> {
  if (!event) return null;
  if (event.streetId) return event.streetId;
  return event.venueId ? (await loaders.venueById.load(event.venueId))?.streetId : null;
}

const desk = isResidentOrOfficerOf(SPORTS_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    fitnessPoints: publicField,
    fitnessPoint: publicField,
    sportsVenues: publicField,
    sportsVenue: publicField,
    sportsEvents: publicField,
    sportsEvent: publicField,
    courtAvailability: publicField,
  },
  Mutation: {
    bookCourt: desk,
    cancelCourtBooking: desk,
    registerForEvent: desk,
    cancelSportsEventRegistration: desk,
  },
  SportsCourtBooking: recordRule("court booking", courtBookingRecords),
  SportsEventRegistration: recordRule("event registration", eventRegistrationRecords),
};
