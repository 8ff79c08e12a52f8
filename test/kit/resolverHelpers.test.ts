import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { errorCodes } from "../../lib/errors.ts";
import type { ResidentRecordRule } from "../../subgraphs/kit/actingResident.ts";
import { loaderById } from "../../subgraphs/kit/loaders.ts";
import { type KeysetTable, keysetRows, pageOf } from "../../subgraphs/kit/pageOf.ts";
import { encodeCursor } from "../../subgraphs/kit/pagination.ts";
import { resolveById } from "../../subgraphs/kit/references.ts";
import { callerRowRule, rowRule } from "../../subgraphs/kit/rowRule.ts";
import { boundedText, nameFilter } from "../../subgraphs/kit/textFilter.ts";
import { residentPrincipal } from "../support/envelope.ts";

interface Row {
  id: string;
  street: string;
}

type Where = { street?: string; id?: { gt: string } };

/** A table in memory that answers `findMany` and `count` the way Prisma does for these arguments, and logs them. */
function table(rows: Row[]) {
  const calls: Array<{ op: "findMany" | "count"; where: Where; take?: number }> = [];
  const matches = (row: Row, where: Where) =>
    (where.street === undefined || row.street === where.street) && (where.id === undefined || row.id > where.id.gt);
  const fake: KeysetTable<Where, Row> = {
    findMany: async ({ where, orderBy, take }) => {
      calls.push({ op: "findMany", where, take });
      expect(orderBy).toEqual({ id: "asc" });
      return rows
        .filter((row) => matches(row, where))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, take);
    },
    count: async ({ where }) => {
      calls.push({ op: "count", where });
      return rows.filter((row) => matches(row, where)).length;
    },
  };
  return { fake, calls };
}

const ROWS: Row[] = ["h05", "h01", "h04", "h02", "h03"].map((id) => ({ id, street: id === "h04" ? "B" : "A" }));

/** The error a promise rejects with (a GraphQLError from the registry), or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => expect.fail("expected a coded error"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe("pageOf: one page of a table, keyset by id", () => {
  it("answers the first page in id order, asking for one row more than the page to learn whether another follows", async () => {
    const { fake, calls } = table(ROWS);
    const page = await pageOf("hospitals", { first: 2 }, fake, {});
    expect(page.nodes.map((row) => row.id)).toEqual(["h01", "h02"]);
    expect(page.edges.map((edge) => edge.cursor)).toEqual([
      encodeCursor("hospitals", "h01"),
      encodeCursor("hospitals", "h02"),
    ]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor("hospitals", "h02") });
    expect(calls).toEqual([{ op: "findMany", where: {}, take: 3 }]);
  });

  it("continues after the cursor, with the caller's filter kept, and stops with hasNextPage false on the last page", async () => {
    const { fake, calls } = table(ROWS);
    const first = await pageOf("hospitals", { first: 2 }, fake, { street: "A" });
    const second = await pageOf("hospitals", { first: 2, after: first.pageInfo.endCursor }, fake, { street: "A" });
    expect(first.nodes.map((row) => row.id)).toEqual(["h01", "h02"]);
    expect(second.nodes.map((row) => row.id)).toEqual(["h03", "h05"]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: encodeCursor("hospitals", "h05") });
    expect(calls[1]).toEqual({ op: "findMany", where: { street: "A", id: { gt: "h02" } }, take: 3 });
  });

  it("reports no next page when the rows exactly fill the page", async () => {
    const { fake } = table(ROWS);
    const page = await pageOf("hospitals", { first: 5 }, fake, {});
    expect(page.nodes).toHaveLength(5);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it("answers an empty page with a null endCursor after the last row", async () => {
    const { fake } = table(ROWS);
    const page = await pageOf("hospitals", { after: encodeCursor("hospitals", "h05") }, fake, {});
    expect(page).toMatchObject({ nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it("counts only when totalCount is asked for, with the filter and without the cursor", async () => {
    const { fake, calls } = table(ROWS);
    const page = await pageOf("hospitals", { first: 1, after: encodeCursor("hospitals", "h01") }, fake, {
      street: "A",
    });
    expect(calls.filter((call) => call.op === "count")).toEqual([]);
    expect(await page.totalCount()).toBe(4);
    expect(calls.at(-1)).toEqual({ op: "count", where: { street: "A" } });
  });

  it("takes 20 rows by default and accepts `first` up to the list's own maximum", async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: `r${String(i).padStart(2, "0")}`, street: "A" }));
    const { fake } = table(many);
    expect((await pageOf("hospitals", {}, fake, {})).nodes).toHaveLength(20);
    expect((await pageOf("hospitals", { first: 30 }, fake, {}, { maxPageSize: 30 })).nodes).toHaveLength(30);
  });

  it("refuses a cursor issued by another list with INVALID_CURSOR, a 400, naming the argument", async () => {
    const { fake, calls } = table(ROWS);
    const error = await rejection(pageOf("hospitals", { after: encodeCursor("doctors", "h01") }, fake, {}));
    expect(error.extensions).toEqual({ code: "INVALID_CURSOR", argument: "after" });
    expect(errorCodes.INVALID_CURSOR.status).toBe(400);
    expect(error.message).toContain("was not issued by the hospitals list");
    expect(calls).toEqual([]);
  });

  it("refuses a cursor that is not one at all (garbage, or a list name without an id)", async () => {
    const { fake } = table(ROWS);
    for (const after of ["not-a-cursor", Buffer.from("hospitals:").toString("base64url")]) {
      expect((await rejection(pageOf("hospitals", { after }, fake, {}))).extensions.code).toBe("INVALID_CURSOR");
    }
  });

  it("refuses `first` outside 1 … the maximum with PAGE_SIZE_OUT_OF_RANGE before any query", async () => {
    const { fake, calls } = table(ROWS);
    for (const first of [0, -1, 101, 2.5]) {
      const error = await rejection(pageOf("hospitals", { first }, fake, {}));
      expect(error.extensions).toEqual({ code: "PAGE_SIZE_OUT_OF_RANGE", argument: "first", max: 100 });
    }
    const error = await rejection(pageOf("hospitals", { first: 31 }, fake, {}, { maxPageSize: 30 }));
    expect(error.extensions).toMatchObject({ code: "PAGE_SIZE_OUT_OF_RANGE", max: 30 });
    expect(calls).toEqual([]);
  });

  it("primes a by-id loader with the page, so loading a listed row costs no query", async () => {
    const { fake } = table(ROWS);
    let batches = 0;
    const byId = loaderById<Row>(async (ids) => {
      batches += 1;
      return ROWS.filter((row) => ids.includes(row.id));
    });
    await pageOf("hospitals", { first: 2 }, fake, {}, { prime: byId });
    expect(await byId.load("h02")).toEqual({ id: "h02", street: "A" });
    expect(batches).toBe(0);
  });

  it("gives the row rules' paginateVisible the same fetch and count (keysetRows)", async () => {
    const { fake, calls } = table(ROWS);
    const rows = keysetRows(fake, { street: "B" });
    expect(await rows.fetch({ take: 2, afterId: undefined })).toEqual([{ id: "h04", street: "B" }]);
    expect(await rows.count()).toBe(1);
    expect(calls).toEqual([
      { op: "findMany", where: { street: "B" }, take: 2 },
      { op: "count", where: { street: "B" } },
    ]);
  });
});

describe("text filters", () => {
  it("trims a name search into a case-insensitive contains, and treats blank as no filter", () => {
    expect(nameFilter("  静安寺 ", "filter.nameContains")).toEqual({ contains: "静安寺", mode: "insensitive" });
    expect(nameFilter("   ", "filter.nameContains")).toBeUndefined();
    expect(nameFilter(null, "filter.nameContains")).toBeUndefined();
    expect(nameFilter(undefined, "filter.nameContains")).toBeUndefined();
  });

  it("accepts 50 characters and refuses 51 with BAD_USER_INPUT naming the argument and the limit", () => {
    expect(nameFilter("x".repeat(50), "filter.nameContains")).toEqual({
      contains: "x".repeat(50),
      mode: "insensitive",
    });
    expect(() => nameFilter("x".repeat(51), "filter.nameContains")).toThrow(
      "filter.nameContains has 51 characters; search with at most 50.",
    );
    try {
      nameFilter(` ${"x".repeat(51)} `, "filter.nameContains");
      expect.fail("expected a coded error");
    } catch (error) {
      expect((error as GraphQLError).extensions).toEqual({ code: "BAD_USER_INPUT", argument: "filter.nameContains" });
      expect(errorCodes.BAD_USER_INPUT.status).toBe(400);
    }
  });

  it("bounds a plain text argument by the limit it is given", () => {
    expect(boundedText(" alice ", "filter.username", 64)).toBe("alice");
    expect(boundedText("", "filter.username", 64)).toBeUndefined();
    expect(() => boundedText("a".repeat(65), "filter.username", 64)).toThrow(
      "filter.username has 65 characters; search with at most 64.",
    );
    expect(() => nameFilter("abcd", "filter.nameContains", 3)).toThrow("at most 3.");
  });
});

describe("rows by id through the request's loaders (resolveById)", () => {
  const NO_STREETS = { streetsOf: async (ids: readonly string[]) => ids.map(() => null) } as never;

  function request(principal = residentPrincipal("r1")) {
    const batches: string[][] = [];
    const loaders = {
      hospitalById: loaderById<Row>(async (ids) => {
        batches.push([...ids]);
        return ROWS.filter((row) => ids.includes(row.id));
      }),
      bookingById: loaderById<Booking>(async (ids) => BOOKINGS.filter((booking) => ids.includes(booking.id))),
      doctorsByHospital: new DataLoader<string, Row[]>(async (ids) => ids.map(() => [])),
    };
    return { context: { loaders, principal, residentStreets: NO_STREETS }, batches };
  }
  type Request = ReturnType<typeof request>["context"];
  const byId = resolveById<Request>();

  interface Booking {
    id: string;
    residentId: string;
  }
  const BOOKINGS: Booking[] = [
    { id: "b1", residentId: "r1" },
    { id: "b2", residentId: "r2" },
  ];
  const bookings: ResidentRecordRule<Booking, Request> = {
    desk: { departmentId: "dept-health", name: "the health desk" } as never,
    residentOf: (booking) => booking.residentId,
    streetOf: () => null,
  };

  it("resolves every reference of one tick in one batch, and a missing one to null", async () => {
    const { context, batches } = request();
    const resolve = byId.reference("hospitalById");
    const found = await Promise.all([
      resolve({ id: "h01" }, context),
      resolve({ id: "h09" }, context),
      resolve({ id: "h03" }, context),
    ]);
    expect(found).toEqual([{ id: "h01", street: "A" }, null, { id: "h03", street: "A" }]);
    expect(batches).toEqual([["h01", "h09", "h03"]]);
  });

  it("serves a root `thing(id:)` field from the same loader, so it shares the batch and the cache", async () => {
    const { context, batches } = request();
    const [byField, byReference] = await Promise.all([
      byId.argument("hospitalById")(null, { id: "h02" }, context),
      byId.reference("hospitalById")({ id: "h02" }, context),
    ]);
    expect(byField).toBe(byReference);
    expect(batches).toEqual([["h02"]]);
  });

  it("answers a row its row rule hides exactly like a missing one, on both paths", async () => {
    const { context } = request();
    const streetA = rowRule<Row, Request>("Hospital", (row) => row.street === "A");
    expect(await byId.argument("hospitalById", streetA)(null, { id: "h01" }, context)).toEqual({
      id: "h01",
      street: "A",
    });
    expect(await byId.argument("hospitalById", streetA)(null, { id: "h04" }, context)).toBeNull();
    expect(await byId.reference("hospitalById", streetA)({ id: "h04" }, context)).toBeNull();
    const nobody = callerRowRule<Row, Request>("Hospital", () => false);
    expect(await byId.reference("hospitalById", nobody)({ id: "h01" }, context)).toBeNull();
  });

  it("shows a resident their own records and not another's (a ResidentRecordRule)", async () => {
    const { context } = request(residentPrincipal("r1"));
    expect(await byId.reference("bookingById", bookings)({ id: "b1" }, context)).toEqual(BOOKINGS[0]);
    expect(await byId.reference("bookingById", bookings)({ id: "b2" }, context)).toBeNull();
    expect(await byId.argument("bookingById", bookings)(null, { id: "b2" }, context)).toBeNull();
  });

  it("accepts only by-id loaders, and a rule for the loader's rows", () => {
    // @ts-expect-error A loader of many rows per key is not a by-id loader: a reference resolves to one row or null.
    byId.reference("doctorsByHospital");
    // @ts-expect-error The bookings rule reads bookings, not hospitals.
    byId.reference("hospitalById", bookings);
    expect(typeof byId.reference("hospitalById")).toBe("function");
  });
});
