/**
 * Fewer subgraph fetches (issue 16), on the data source alone, without ports: a recording fetcher stands in for the
 * HTTP client and answers when the test says so, so "in flight" is a fact of the test, not a race.
 * - identical in-flight fetches collapse into one request, only for one principal, purpose and audience, never for a
 *   mutation, failures shared like answers, nothing kept after the answer;
 * - the parallel query fetches of one request to a batching subgraph go as one request (a JSON array), never mixed
 *   with another request's.
 */
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { Response } from "node-fetch";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../../gateway/context.ts";
import { copyJson } from "../../gateway/execution/inFlightFetches.ts";
import { SubgraphDataSource } from "../../gateway/execution/subgraphDataSource.ts";
import { DEFAULT_RESILIENCE, SubgraphPolicy } from "../../gateway/execution/subgraphPolicy.ts";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";

const log = pino({ level: "silent" });

interface Sent {
  body: unknown;
  answer: (status: number, body: unknown) => void;
}

/** A fetcher that records each request and answers when the test calls `answer`. */
function recordingFetcher() {
  const sent: Sent[] = [];
  let arrived: (() => void) | undefined;
  const fetcher = ((_url: string, init?: { body?: unknown }) =>
    new Promise((resolve) => {
      sent.push({
        body: JSON.parse(String(init?.body)),
        answer: (status, body) =>
          resolve(
            new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }) as never,
          ),
      });
      arrived?.();
    })) as unknown as SubgraphDataSource["fetcher"];
  /** Resolves once `count` requests have been sent in all. */
  const sentCount = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (sent.length >= count) resolve();
      };
      arrived = check;
      check();
    });
  return { fetcher, sent, sentCount };
}

function dataSource(fetcher: SubgraphDataSource["fetcher"], batching = false) {
  const policy = new SubgraphPolicy("catalog", { ...DEFAULT_RESILIENCE, retries: 0 }, log);
  return new SubgraphDataSource(
    "catalog",
    "http://catalog.test/graphql",
    log,
    () => "envelope",
    policy,
    undefined,
    {
      batching,
    },
    fetcher,
  );
}

const OFFICER: Principal = { ...systemPrincipal("officer-a"), kind: "officer" } as Principal;

function contextOf(principal: Principal, purpose: string | null = null): GatewayContext {
  return {
    requestId: `req-${Math.random().toString(36).slice(2, 10)}`,
    principal,
    purpose,
    deadline: Date.now() + 5_000,
  } as unknown as GatewayContext;
}

function fetchOf(
  context: GatewayContext,
  query: string,
  variables: Record<string, unknown> = {},
  operation: "query" | "mutation" = "query",
): GraphQLDataSourceProcessOptions<GatewayContext> {
  return {
    kind: "incoming operation",
    request: { query, variables },
    context,
    incomingRequestContext: { operation: { operation }, context } as never,
  } as GraphQLDataSourceProcessOptions<GatewayContext>;
}

const STREETS = "query Streets__catalog__0 { streets { id name } }";
const ANSWER = { data: { streets: [{ id: "street-linfenlu", name: "临汾路街道" }] } };

describe("identical in-flight subgraph fetches collapse into one request", () => {
  it("sends one request for two identical concurrent fetches of one principal, and each gets its own copy", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    const first = source.process(fetchOf(contextOf(OFFICER), STREETS));
    const second = source.process(fetchOf(contextOf(OFFICER), STREETS));
    await sentCount(1);
    sent[0]?.answer(200, ANSWER);
    const [a, b] = await Promise.all([first, second]);
    expect(sent).toHaveLength(1);
    expect(a.data).toEqual(ANSWER.data);
    expect(b.data).toEqual(ANSWER.data);
    // Apollo merges entities into fetched data in place: two requests must never hold one object.
    expect(a.data).not.toBe(b.data);
    expect(source.stats).toMatchObject({ fetches: 1, collapsed: 1 });
  });

  it("gives three takers three separate objects, copied before any of them changes its own", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    // Each taker writes into its answer as soon as it has it, as Apollo's merge does.
    const taken = () =>
      source.process(fetchOf(contextOf(OFFICER), STREETS)).then((answer) => {
        const street = (answer.data as typeof ANSWER.data).streets[0]!;
        const seen = street.name;
        street.name = "changed";
        return { answer, seen };
      });
    const answers = Promise.all([taken(), taken(), taken()]);
    await sentCount(1);
    sent[0]?.answer(200, ANSWER);
    const results = await answers;
    expect(sent).toHaveLength(1);
    expect(results.map((r) => r.seen)).toEqual(["临汾路街道", "临汾路街道", "临汾路街道"]);
    expect(new Set(results.map((r) => r.answer.data)).size).toBe(3);
    expect(source.stats).toMatchObject({ fetches: 1, collapsed: 2 });
  });

  it("copies a subgraph's JSON exactly, a `__proto__` key as an own property", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"list":[1,"二",null,{"deep":[true,false]}],"n":0}');
    const copy = copyJson(parsed);
    expect(copy).toEqual(parsed);
    expect(copy).not.toBe(parsed);
    expect(copy.list[3]).not.toBe(parsed.list[3]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("sends two requests for two principals, two purposes or two bodies", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    const answers = [
      source.process(fetchOf(contextOf(OFFICER), STREETS)),
      source.process(fetchOf(contextOf(ANONYMOUS), STREETS)),
      source.process(fetchOf(contextOf(OFFICER, "public-health"), STREETS)),
      source.process(fetchOf(contextOf(OFFICER), STREETS, { first: 2 })),
    ];
    await sentCount(4);
    for (const request of sent) request.answer(200, ANSWER);
    await Promise.all(answers);
    expect(sent).toHaveLength(4);
    expect(source.stats.collapsed).toBe(0);
  });

  it("never collapses mutations", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    const mutation = 'mutation Book__catalog__0 { requestSharing(resourceId: "res-0001") { id } }';
    const answers = [
      source.process(fetchOf(contextOf(OFFICER), mutation, {}, "mutation")),
      source.process(fetchOf(contextOf(OFFICER), mutation, {}, "mutation")),
    ];
    await sentCount(2);
    for (const request of sent) request.answer(200, { data: { requestSharing: { id: "s1" } } });
    await Promise.all(answers);
    expect(sent).toHaveLength(2);
  });

  it("shares a failure with every caller of the collapsed fetch", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    const first = source.process(fetchOf(contextOf(OFFICER), STREETS));
    const second = source.process(fetchOf(contextOf(OFFICER), STREETS));
    await sentCount(1);
    sent[0]?.answer(400, { errors: [{ message: "bad" }] });
    const outcomes = await Promise.allSettled([first, second]);
    expect(sent).toHaveLength(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const reason = (outcome as PromiseRejectedResult).reason as { extensions?: { code?: string } };
      expect(reason.extensions?.code).toBe("SUBGRAPH_UNAVAILABLE");
    }
  });

  it("keeps nothing once the answer arrived: the next identical fetch sends its own request", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher);
    const first = source.process(fetchOf(contextOf(OFFICER), STREETS));
    await sentCount(1);
    sent[0]?.answer(200, ANSWER);
    await first;
    const second = source.process(fetchOf(contextOf(OFFICER), STREETS));
    await sentCount(2);
    sent[1]?.answer(200, ANSWER);
    await second;
    expect(sent).toHaveLength(2);
  });
});

describe("parallel fetches of one request to a batching subgraph go as one request", () => {
  const STREET =
    "query Street__catalog__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Street { name } } }";
  const DEPARTMENT =
    "query Department__catalog__2($representations: [_Any!]!) { _entities(representations: $representations) { ... on Department { name } } }";

  it("sends the fetches started in one turn as one JSON array and hands each its own answer", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher, true);
    const context = contextOf(OFFICER);
    const street = source.process(fetchOf(context, STREET, { representations: [{ __typename: "Street", id: "s" }] }));
    const department = source.process(
      fetchOf(context, DEPARTMENT, { representations: [{ __typename: "Department", id: "d" }] }),
    );
    await sentCount(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual([
      { query: STREET, variables: { representations: [{ __typename: "Street", id: "s" }] } },
      { query: DEPARTMENT, variables: { representations: [{ __typename: "Department", id: "d" }] } },
    ]);
    sent[0]?.answer(200, [
      { data: { _entities: [{ name: "临汾路街道" }] } },
      { data: { _entities: [{ name: "区卫健委" }] } },
    ]);
    expect((await street).data).toEqual({ _entities: [{ name: "临汾路街道" }] });
    expect((await department).data).toEqual({ _entities: [{ name: "区卫健委" }] });
    expect(source.stats).toMatchObject({ fetches: 1, batches: 1, batchedFetches: 2 });
  });

  it("never puts two requests' fetches in one batch", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher, true);
    const one = source.process(fetchOf(contextOf(OFFICER), STREET, { representations: [] }));
    const other = source.process(fetchOf(contextOf(ANONYMOUS), DEPARTMENT, { representations: [] }));
    await sentCount(2);
    expect(sent.map((request) => Array.isArray(request.body))).toEqual([false, false]);
    for (const request of sent) request.answer(200, { data: { _entities: [] } });
    await Promise.all([one, other]);
  });

  it("fails every fetch of a batch whose answer does not match it", async () => {
    const { fetcher, sent, sentCount } = recordingFetcher();
    const source = dataSource(fetcher, true);
    const context = contextOf(OFFICER);
    const answers = [
      source.process(fetchOf(context, STREET, { representations: [] })),
      source.process(fetchOf(context, DEPARTMENT, { representations: [] })),
    ];
    await sentCount(1);
    sent[0]?.answer(200, [{ data: { _entities: [] } }]);
    const outcomes = await Promise.allSettled(answers);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });
});
