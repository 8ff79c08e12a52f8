/** Configuration of one subgraph service, parsed once from the environment (every problem reported at once). */
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.ts";
import { developmentKeyProblems } from "../../lib/developmentSecrets.ts";
import { isLocalDate, shanghaiDate } from "./seedCalendar.ts";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

export function subgraphConfigSchema(name: string, defaultPort: number) {
  return z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    HOST: z.string().min(1).default("127.0.0.1"),
    /** PostgreSQL; the subgraph uses schema `<name>` as role `og_<name>`. Absent: embedded PGlite. */
    DATABASE_URL: z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// connection string")
      .optional(),
    /** Folder of the embedded PGlite database. */
    DATA_DIR: z.string().min(1).default(`.data/pglite/${name}`),
    /**
     * Load the deterministic seed data at start (idempotent). Default: yes, except with NODE_ENV=production, where
     * nothing is seeded unless SEED=true asks for it (and even then no published credentials, docs/identity.md).
     */
    SEED: flag.optional(),
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /**
     * The seed's "today", `YYYY-MM-DD` in Jing'an: schedules, slots, programmes and registration windows are seeded
     * relative to it (docs/data.md). Default: today in Asia/Shanghai, so a fresh start always has weeks ahead.
     */
    SEED_DATE: z
      .string()
      .refine(isLocalDate, "must be a calendar date written YYYY-MM-DD, e.g. 2027-03-01")
      .default(() => shanghaiDate(new Date())),
    /** The gateway's envelope public key(s), base64 spki, comma-separated (several during a key rotation). */
    ENVELOPE_PUBLIC_KEYS: z
      .string({ error: "is required: the gateway's envelope public key(s), base64, comma-separated" })
      .min(1, "is required: the gateway's envelope public key(s), base64, comma-separated")
      .transform((value) =>
        value
          .split(",")
          .map((key) => key.trim())
          .filter(Boolean),
      ),
    /**
     * Redis that remembers accepted envelopes' nonces for every replica of this subgraph (redis://host:6379/0).
     * Required as soon as a subgraph runs more than one replica; absent, each process remembers its own (one replica).
     */
    ENVELOPE_NONCE_REDIS_URL: z
      .string()
      .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL")
      .optional(),
    /**
     * identity's register of residence (`http://identity:4108/residents/streets`), for jurisdiction: without it no
     * officer reaches any resident (subgraphs/kit/residentDirectory.ts). Needs RESIDENT_DIRECTORY_KEY.
     */
    RESIDENT_DIRECTORY_URL: z.url().optional(),
    /**
     * The key identity expects on its register route: the same value identity is given, which identity requires to be
     * at least 32 characters (here it is only presented).
     */
    RESIDENT_DIRECTORY_KEY: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  });
}

export type SubgraphConfig = Omit<z.infer<ReturnType<typeof subgraphConfigSchema>>, "SEED"> & { SEED: boolean };

export function loadSubgraphConfig(
  name: string,
  defaultPort: number,
  env: Record<string, string | undefined>,
): SubgraphConfig {
  const config = parseConfig(subgraphConfigSchema(name, defaultPort), env);
  // identity (the register's owner) takes the key alone; a subgraph that asks the register needs both.
  if (config.RESIDENT_DIRECTORY_URL && !config.RESIDENT_DIRECTORY_KEY) {
    throw new ConfigError([
      "RESIDENT_DIRECTORY_URL needs RESIDENT_DIRECTORY_KEY: identity answers the register only with it.",
    ]);
  }
  const production = config.NODE_ENV === "production";
  if (production) {
    const problems = developmentKeyProblems(env);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return { ...config, SEED: config.SEED ?? !production };
}
