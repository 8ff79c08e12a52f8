import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gql } from "graphql-tag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.ts";
import { loadSubgraphConfig } from "../../subgraphs/kit/config.ts";
import { loaderByGroup, loaderById } from "../../subgraphs/kit/loaders.ts";
import { defineSubgraph, type SubgraphContext } from "../../subgraphs/kit/module.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { publicField } from "../../subgraphs/kit/shield.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

/** The shutdown test's request: it says when it is executing, and finishes when the test lets it. */
let started: () => void = () => {};
let release: () => void = () => {};
const executing = new Promise<void>((resolve) => {
  started = resolve;
});
const released = new Promise<void>((resolve) => {
  release = resolve;
});

/** A minimal module: the kit only needs `$on` and `$disconnect` from its client. */
const probe = defineSubgraph({
  name: "probe",
  title: "Kit probe",
  defaultPort: 0,
  typeDefs: gql`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Query {
      slow: String!
      contextIsFresh: Boolean!
      boom: String
    }
  `,
  resolvers: {
    Query: {
      slow: async () => {
        started();
        await released;
        return "done";
      },
      contextIsFresh: (_: unknown, __: unknown, context: SubgraphContext<unknown, { seen: Set<string> }>) => {
        const fresh = context.loaders.seen.size === 0;
        context.loaders.seen.add("x");
        return fresh;
      },
      boom: () => {
        throw new Error("password=hunter2 at /srv/secret/db.ts:12");
      },
    },
  },
  // The probe is about the kit's plumbing, not permissions: every field is allowed on purpose.
  permissions: { Query: { slow: publicField, contextIsFresh: publicField, boom: publicField } },
  migrationsDir: fileURLToPath(new URL("./fixtures/migrations", import.meta.url)),
  createPrisma: () => ({ $on: () => {}, $disconnect: async () => {} }),
  createLoaders: () => ({ seen: new Set<string>() }),
  seed: async () => ({}),
});

describe("the subgraph kit", () => {
  let service: SubgraphService;
  beforeAll(async () => {
    service = await startTestSubgraph(probe);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("serves Prometheus metrics: its requests, labelled with the subgraph, and the process", async () => {
    const origin = service.url.replace(/\/graphql$/, "");
    const count = async () => {
      const text = await (await fetch(`${origin}/metrics`)).text();
      expect(text).toMatch(/^og_subgraph_process_resident_memory_bytes\{subgraph="probe"\} \d+/m);
      return Number(text.match(/^og_subgraph_requests_total\{subgraph="probe"\} (\d+)/m)?.[1]);
    };
    const before = await count();
    await graphql(service.url, "{ contextIsFresh }");
    await graphql(service.url, "{ contextIsFresh }");
    expect(await count()).toBe(before + 2);
  });

  it("applies the module's migrations before serving", async () => {
    expect(await service.db.query(`SELECT name FROM "_og_migrations"`)).toEqual([{ name: "0001_init.sql" }]);
  });

  it("gives every request fresh loaders", async () => {
    for (let i = 0; i < 3; i += 1) {
      const { body } = await graphql(service.url, "{ contextIsFresh }");
      expect(body.data.contextIsFresh).toBe(true);
    }
  });

  it("masks unexpected resolver errors and keeps registered ones", async () => {
    const { body } = await graphql(service.url, "{ boom }");
    expect(body.errors?.[0]).toMatchObject({
      message: "An internal error occurred in this service.",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|\/srv\//);
  });

  it("answers /healthz with its database status", async () => {
    const response = await fetch(service.url.replace("/graphql", "/healthz"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", service: "probe" });
  });

  it("lets in-flight requests finish on shutdown, then refuses new connections", async () => {
    const inFlight = graphql(service.url, "{ slow }");
    await executing;
    const stopped = service.stop();
    release();
    expect((await inFlight).body).toEqual({ data: { slow: "done" } });
    await stopped;
    await expect(fetch(service.url.replace("/graphql", "/healthz"))).rejects.toThrow();
  });
});

describe("subgraph configuration", () => {
  it("reports every problem at once", () => {
    try {
      loadSubgraphConfig("health", 4102, { PORT: "seventy", DATABASE_URL: "mysql://x", SEED: "maybe" });
      expect.unreachable("invalid configuration was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL: must be a postgresql:\/\/ connection string/);
      expect(problems).toMatch(/SEED/);
      expect(problems).toMatch(/ENVELOPE_PUBLIC_KEYS: is required/);
    }
  });

  it("defaults to PGlite in .data with seed data", () => {
    const config = loadSubgraphConfig("health", 4102, { ENVELOPE_PUBLIC_KEYS: "a2V5MQ==, a2V5Mg==" });
    expect(config).toMatchObject({ PORT: 4102, DATA_DIR: ".data/pglite/health", SEED: true });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ENVELOPE_PUBLIC_KEYS).toEqual(["a2V5MQ==", "a2V5Mg=="]);
  });
});

describe("resident directory configuration", () => {
  const base = { ENVELOPE_PUBLIC_KEYS: "a2V5MQ==" };

  it("asks the register only with its key, and lets identity take the key alone", () => {
    expect(() =>
      loadSubgraphConfig("health", 4102, { ...base, RESIDENT_DIRECTORY_URL: "http://identity:4108/residents/streets" }),
    ).toThrow(/RESIDENT_DIRECTORY_URL needs RESIDENT_DIRECTORY_KEY/);
    expect(loadSubgraphConfig("identity", 4108, { ...base, RESIDENT_DIRECTORY_KEY: "k".repeat(40) })).toMatchObject({
      RESIDENT_DIRECTORY_KEY: "k".repeat(40),
    });
  });

  it("refuses the development directory key in production and names the variable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "og-keys-"));
    try {
      await writeFile(join(dir, "resident-directory.key"), "development-directory-key-made-by-npm-start");
      const env = {
        ...base,
        NODE_ENV: "production",
        SEED: "false",
        KEYS_DIR: dir,
        RESIDENT_DIRECTORY_URL: "http://identity:4108/residents/streets",
        RESIDENT_DIRECTORY_KEY: "development-directory-key-made-by-npm-start",
      };
      expect(() => loadSubgraphConfig("health", 4102, env)).toThrow(/RESIDENT_DIRECTORY_KEY is the development key/);
      expect(() =>
        loadSubgraphConfig("health", 4102, { ...env, RESIDENT_DIRECTORY_KEY: "p".repeat(48) }),
      ).not.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("loaders", () => {
  it("batch one tick of keys into one fetch and answer in key order, null or [] when missing", async () => {
    const calls: string[][] = [];
    const byId = loaderById(async (ids) => {
      calls.push([...ids]);
      return [
        { id: "b", v: 2 },
        { id: "a", v: 1 },
      ];
    });
    expect(await Promise.all(["a", "b", "zz"].map((id) => byId.load(id)))).toEqual([
      { id: "a", v: 1 },
      { id: "b", v: 2 },
      null,
    ]);
    expect(calls).toEqual([["a", "b", "zz"]]);

    const byGroup = loaderByGroup(
      async () => [
        { g: "x", n: 1 },
        { g: "x", n: 2 },
      ],
      (row) => row.g,
    );
    expect(await Promise.all([byGroup.load("x"), byGroup.load("y")])).toEqual([
      [
        { g: "x", n: 1 },
        { g: "x", n: 2 },
      ],
      [],
    ]);
  });
});
