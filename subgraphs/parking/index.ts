/**
 * Parking subgraph (区建管委 · city parking platform): public garages and road parking, EV charging stations and
 * residents' parking sessions (seed §11), with live availability and charger status read from the city parking
 * and charging platform (市级停车/充电平台), a legacy REST system. The worked example of federating a legacy system:
 * docs/legacy-integration.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { ConfigError } from "../../lib/config.ts";
import { defineSubgraph, type Environment } from "../kit/module.ts";
import { type CityPlatformOptions, createCityPlatformClient } from "./cityPlatform.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { createResolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** Where the city platform answers when neither the options nor the environment say (`npm start` runs it there). */
export const DEFAULT_PLATFORM_URL = "http://127.0.0.1:4199";

export interface ParkingSubgraphOptions {
  /** The current time, for session starts and ends and for the live-data cache. Tests fix it. */
  now?: () => Date;
  /**
   * The city platform: base URL, per-call timeout (default 800 ms) and cache TTL (default 10 s). Default URL:
   * http://127.0.0.1:4199 (`configure` takes CITY_PARKING_PLATFORM_URL).
   */
  platform?: CityPlatformOptions;
}

/** The module with a chosen clock and platform: tests start their own platform and point the subgraph at it. */
export function createParkingSubgraph(options: ParkingSubgraphOptions = {}) {
  const now = options.now ?? (() => new Date());
  const platform = createCityPlatformClient(options.platform ?? { url: DEFAULT_PLATFORM_URL }, () => now().getTime());
  return defineSubgraph({
    name: "parking",
    title: "Parking (区建管委 · city parking platform)",
    defaultPort: 4106,
    department: "dept-transport",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers({ now }),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/parking/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders: (prisma) => createLoaders(prisma, platform),
    seed,
  });
}

/** The service as configured by an environment (CITY_PARKING_PLATFORM_URL): the process edge's call. */
export function configure(env: Environment) {
  const url = env.CITY_PARKING_PLATFORM_URL || DEFAULT_PLATFORM_URL;
  if (!/^https?:\/\//.test(url)) {
    throw new ConfigError([`CITY_PARKING_PLATFORM_URL is "${url.slice(0, 80)}"; use an http:// or https:// URL.`]);
  }
  return createParkingSubgraph({ platform: { url } });
}

export default createParkingSubgraph();
