/**
 * The register of residence for tests that run a subgraph without the identity service: exactly what identity's
 * seed places (`seededResidentStreet`), answered in batches like `POST /residents/streets`. Every lookup is counted,
 * so tests can check that a list costs one batch.
 */
import { seededResidentStreet } from "../../subgraphs/identity/seedData.ts";
import type { ResidentDirectory } from "../../subgraphs/kit/residentDirectory.ts";

export interface CountingDirectory extends ResidentDirectory {
  /** Batches asked so far. */
  lookups(): number;
}

export function seededResidentDirectory(): CountingDirectory {
  let lookups = 0;
  return {
    lookups: () => lookups,
    async streetsOf(ids) {
      lookups += 1;
      const streets = new Map<string, string>();
      for (const id of ids) {
        const street = seededResidentStreet(id);
        if (street) streets.set(id, street);
      }
      return streets;
    },
  };
}
