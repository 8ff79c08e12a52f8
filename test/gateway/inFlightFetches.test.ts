/**
 * Collapsing identical in-flight fetches (gateway/execution/inFlightFetches.ts): the key's second part — a fetch's
 * variables, every representation of an entity fetch — is serialized only when there is a fetch in flight to compare
 * it with (issue 16), and the sharing itself is unchanged: same key, one send; different rest, two sends.
 */
import { describe, expect, it } from "vitest";
import { copyJson, InFlightFetches } from "../../gateway/execution/inFlightFetches.ts";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A rest-of-key function that counts how often it was asked. */
function counted(value: string) {
  const rest = () => {
    rest.calls += 1;
    return value;
  };
  rest.calls = 0;
  return rest;
}

describe("collapsing identical in-flight fetches", () => {
  it("serializes nothing of the rest of the key for a fetch alone, before or after another one", async () => {
    const flights = new InFlightFetches<{ n: number }>((value) => ({ ...value }));
    const rest = counted('{"representations":[]}');
    expect(await flights.share("q", rest, async () => ({ n: 1 }))).toEqual({ n: 1 });
    expect(await flights.share("q", rest, async () => ({ n: 2 }))).toEqual({ n: 2 });
    expect(rest.calls).toBe(0);
    expect(flights.size).toBe(0);
  });

  it("shares one send between fetches of the same prefix and rest, each serialized once, with a copy each", async () => {
    const flights = new InFlightFetches<{ n: number }>((value) => ({ ...value }));
    const answer = deferred<{ n: number }>();
    let sends = 0;
    const send = () => {
      sends += 1;
      return answer.promise;
    };
    const rests = [counted("same"), counted("same"), counted("same")];
    const taken = rests.map((rest) => flights.share("q", rest, send));
    answer.resolve({ n: 7 });
    const values = await Promise.all(taken);
    expect(sends).toBe(1);
    expect(flights.collapsed).toBe(2);
    expect(rests.map((rest) => rest.calls)).toEqual([1, 1, 1]);
    expect(values).toEqual([{ n: 7 }, { n: 7 }, { n: 7 }]);
    expect(values[0]).not.toBe(values[1]);
    expect(flights.size).toBe(0);
  });

  it("sends separately what differs in the rest of the key, or in its prefix", async () => {
    const flights = new InFlightFetches<string>((value) => value);
    const sent: string[] = [];
    const send = (what: string) => () => {
      sent.push(what);
      return Promise.resolve(what);
    };
    await Promise.all([
      flights.share("q", () => "a", send("q a")),
      flights.share("q", () => "b", send("q b")),
      flights.share("p", () => "a", send("p a")),
      flights.share("q", () => "b", send("q b again")),
    ]);
    expect(sent).toEqual(["q a", "q b", "p a"]);
    expect(flights.collapsed).toBe(1);
  });
});

describe("the copy each taker of a shared answer gets", () => {
  const answer = JSON.parse(
    '{"data":{"homes":[{"id":"h1","followUps":[{"notes":"血压 150/95","tags":["bp",null],"resident":{"id":"r1"}}],' +
      '"n":1.5,"ok":true,"none":null,"__proto__":{"kept":"as a key"},"empty":{},"list":[]}]},"errors":[{"message":"m","path":["a",0]}]}',
  );

  it("is what structuredClone gives for a parsed answer: same keys in the same order, same values", () => {
    const copy = copyJson(answer);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(answer));
    expect(copy).toStrictEqual(structuredClone(answer));
    expect(Object.getPrototypeOf(copy.data.homes[0])).toBe(Object.prototype);
    expect(Object.keys(copy.data.homes[0])).toContain("__proto__");
  });

  it("shares no object or array with the original", () => {
    const copy = copyJson(answer);
    copy.data.homes[0].followUps[0].resident.name = "merged in place";
    copy.data.homes[0].followUps[0].tags.push("more");
    copy.errors[0].path.push("x");
    expect(answer.data.homes[0].followUps[0].resident).toEqual({ id: "r1" });
    expect(answer.data.homes[0].followUps[0].tags).toEqual(["bp", null]);
    expect(answer.errors[0].path).toEqual(["a", 0]);
  });
});
