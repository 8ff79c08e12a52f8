/** Every district subgraph. Composition, `npm start`, the benchmark and the tests take the list from here. */
import catalog from "./catalog/index.ts";
import education from "./education/index.ts";
import health from "./health/index.ts";
import parking from "./parking/index.ts";
import type { SubgraphModule } from "./kit/module.ts";

// Each module is typed with its own Prisma client and loaders; the list only needs what the kit needs.
export const subgraphModules: Array<SubgraphModule<any, any>> = [catalog, health, education, parking];
