/**
 * Runs before every `npm test` file (vitest.config.ts `setupFiles`):
 *
 * - Password and client-secret hashing at the test cost: the seeded accounts, one-time passwords and secrets hash and
 *   verify in about a millisecond instead of 50–100 ms of scrypt each (subgraphs/identity/passwords.ts). The
 *   production cost is checked by its own test, and a production start refuses the test cost
 *   (subgraphs/identity/productionSafety.ts).
 * - New in-memory PGlite databases start from this run's empty cluster instead of running initdb
 *   (`emptyClusterSnapshot` in pgliteSnapshots.ts).
 */
import { useEmptyClusterSnapshot } from "../../lib/db/database.ts";
import { useTestHashCost } from "../../subgraphs/identity/passwords.ts";
import { emptyClusterSnapshot } from "./pgliteSnapshots.ts";

useTestHashCost();
useEmptyClusterSnapshot(emptyClusterSnapshot);
