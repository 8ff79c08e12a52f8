/** Every district subgraph. Composition, `npm start`, the benchmark and the tests take the list from here. */
import audit from "./audit/index.ts";
import catalog from "./catalog/index.ts";
import culture from "./culture/index.ts";
import education from "./education/index.ts";
import enterprise from "./enterprise/index.ts";
import health from "./health/index.ts";
import identity from "./identity/index.ts";
import type { SubgraphModule } from "./kit/module.ts";
import parking from "./parking/index.ts";
import sports from "./sports/index.ts";

// Each module is typed with its own Prisma client and loaders; the list only needs what the kit needs.
export const subgraphModules: Array<SubgraphModule<any, any>> = [
  catalog,
  health,
  education,
  sports,
  culture,
  parking,
  enterprise,
  identity,
  audit,
];
