/** The bench's answer check (scripts/benchAnswers.ts): three gateways' answers must be the same answer. */
import { describe, expect, it } from "vitest";
import { type Answer, compareAnswers } from "../../scripts/benchAnswers.ts";

const answer = (body: unknown): Answer => ({ raw: JSON.stringify(body), body });
const streets = { data: { streets: [{ name: "江宁路街道", population: 68000 }] } };
const followUps = (notes: string, name: string) => ({
  data: { homes: [{ id: "h1", followUps: [{ notes, condition: "stable", resident: { name, idNumber: "x" } }] }] },
});
const masked = { name: "follow-ups", maskedByUs: ["followUps.notes", "resident.name"] };

describe("compareAnswers", () => {
  it("accepts identical answers and says so", () => {
    const line = compareAnswers(
      { name: "streets" },
      { ours: answer(streets), plain: answer(streets), hive: answer(streets) },
    );
    expect(line).toBe("streets: plain identical; hive identical");
  });

  it("accepts another key order but says where", () => {
    const reordered = { raw: '{"data":{"streets":[{"population":68000,"name":"江宁路街道"}]}}', body: streets };
    reordered.body = JSON.parse(reordered.raw);
    const line = compareAnswers(
      { name: "streets" },
      { ours: answer(streets), plain: answer(streets), hive: reordered },
    );
    expect(line).toContain("hive identical but for key order (.data.streets[0]: name,population ≠ population,name)");
  });

  it("refuses a different value or a missing item, with the path", () => {
    const other = { data: { streets: [{ name: "江宁路街道", population: 1 }] } };
    expect(() =>
      compareAnswers({ name: "streets" }, { ours: answer(streets), plain: answer(streets), hive: answer(other) }),
    ).toThrow(/ours ≠ hive[\s\S]*\.data\.streets\[0\]\.population: 68000 ≠ 1[\s\S]*plain ≠ hive/);
    expect(() =>
      compareAnswers(
        { name: "streets" },
        { ours: answer({ data: { streets: [] } }), plain: answer(streets), hive: answer(streets) },
      ),
    ).toThrow(/\.data\.streets\.length: 0 ≠ 1/);
  });

  it("accepts ours masked at the declared fields only", () => {
    const clear = answer(followUps("blood pressure 150/95", "张三"));
    const line = compareAnswers(masked, { ours: answer(followUps("****", "张*")), plain: clear, hive: clear });
    expect(line).toContain("plain identical except 2 fields ours masks");
    // A difference at a declared field that is not a mask, or at a field not declared, is refused.
    expect(() =>
      compareAnswers(masked, { ours: answer(followUps("other notes", "张*")), plain: clear, hive: clear }),
    ).toThrow(/followUps\[0\]\.notes/);
    const otherCondition = followUps("****", "张*");
    otherCondition.data.homes[0]!.followUps[0]!.condition = "****";
    expect(() => compareAnswers(masked, { ours: answer(otherCondition), plain: clear, hive: clear })).toThrow(
      /followUps\[0\]\.condition/,
    );
  });

  it("flags a masked operation with nothing masked", () => {
    const clear = answer(followUps("notes", "张三"));
    expect(compareAnswers(masked, { ours: clear, plain: clear, hive: clear })).toContain("WARNING: nothing masked");
  });
});
