/**
 * The operations `npm run bench` measures (scripts/bench.ts), in a module of their own so tests can plan them
 * (test/gateway/planAlignment.test.ts) and check their answers (test/graph/oneGraph.test.ts) without starting a
 * benchmark.
 */
export interface Operation {
  name: string;
  query: string;
  headers?: Record<string, string>;
  /**
   * Fields our gateway masks by design in this operation (the peers mask nothing), as paths without list indexes
   * (`followUps.notes`): the body check accepts a difference from the peers' answers only at fields ending so, where
   * ours must hold a mask (a string with `*`); the rest of the answer, shape and every other value, must be identical.
   */
  maskedByUs?: string[];
}

export const operations: Operation[] = [
  {
    name: "my street (7 subgraphs, logged in)",
    query: `query MyStreet {
      street(id: "street-linfenlu") {
        name population
        hospitals(kind: COMMUNITY_HEALTH_CENTRE) { name }
        schools { name stage }
        fitnessPoints { name maintenanceStatus equipmentCount }
        cultureVenues { name kind }
        sportsVenues { name }
        parkingFacilities(kind: GARAGE) { name availability { freeSpaces totalSpaces } }
        enterprises(first: 5) { totalCount nodes { name industryName } }
      }
    }`,
  },
  {
    // Wide fan-out (issue 16): nested lists over six subgraphs with fragments; Apollo's plan has 16 fetches, several
    // of them to one subgraph in parallel (streets' and departments' facilities; hospitals' street and department).
    name: "wide fan-out (6 subgraphs, 16 planned fetches)",
    query: `query WideFanOut {
      streets {
        ...StreetCard
        hospitals { ...Place street { name } department { ...Dept } }
        schools { name stage street { name } department { ...Dept } }
        cultureVenues { name kind department { ...Dept } }
        sportsVenues { name kind department { ...Dept } }
        parkingFacilities(kind: GARAGE) { name totalSpaces department { ...Dept } }
        fitnessPoints { name equipmentCount maintenanceStatus }
      }
      departments { ...Dept healthFacilities(kind: GENERAL) { name } parkingFacilities(kind: GARAGE) { name } sportsVenues { name } }
    }
    fragment StreetCard on Street { id name population office { ...Dept } }
    fragment Place on Hospital { name kind level }
    fragment Dept on Department { name shortName }`,
  },
  {
    name: "street dashboard (catalog + health)",
    query: `query StreetDashboard {
      street(id: "street-linfenlu") {
        name population
        hospitals { name kind level department { name } }
        resources(first: 5) { nodes { name classification } }
      }
    }`,
  },
  {
    name: "100 hospitals with street and department",
    query: `query HospitalList {
      hospitals(first: 100) { nodes { name kind street { name } department { name } } }
    }`,
  },
  {
    // Health records with a declared purpose that does not give clear view: notes and identities are masked by our
    // gateway after the subgraphs answer, and every request writes one audit record. The peers do neither.
    // The four pilot homes are the only ones with follow-ups, as when health listed all 16 homes; the homes' names
    // are civil affairs' (registry-only, not in the committed supergraph), so the bench asks for the pilot hospital.
    name: "nursing-home follow-ups, masked + audited",
    headers: { "x-og-purpose": "public-health" },
    maskedByUs: ["followUps.notes", "resident.name", "resident.idNumber"],
    query: `query FollowUps {
      internetHospitalPilotHomes { id internetHospital { name } followUps { scheduledAt condition notes resident { name idNumber } } }
    }`,
  },
  {
    name: "open-data list page (catalog only)",
    query: `query OpenData {
      openDataList(first: 50) { nodes { code name updateFrequency ownerDepartment { name } } }
    }`,
  },
];

/** The bench operation whose name starts with `prefix` (tests). */
export function operationNamed(prefix: string): Operation {
  const operation = operations.find((candidate) => candidate.name.startsWith(prefix));
  if (!operation) throw new Error(`No bench operation is named "${prefix}…".`);
  return operation;
}
