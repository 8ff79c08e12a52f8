/** The masking strategies the gateway applies to classified fields (lib/access/classification.ts). */
import { describe, expect, it } from "vitest";
import { classificationOf, maskValue } from "../../lib/access/classification.ts";

describe("masking strategies", () => {
  it("keeps only what each strategy allows", () => {
    expect(maskValue("310101199001011234", "id-card")).toBe("310***********1234");
    expect(maskValue("31010119900101123X", "id-card")).toBe("310***********123X");
    expect(maskValue("13812345678", "phone")).toBe("138****5678");
    expect(maskValue("张伟", "name")).toBe("张*");
    expect(maskValue("欧阳娜娜", "name")).toBe("欧***");
    expect(maskValue("上海市静安区临汾路380弄12号", "address")).toBe("上海市静安区****");
    expect(maskValue("血压 150/95，建议复诊", "free-text")).toBe("****");
  });

  it("masks short values entirely, lists element by element, and never passes non-strings through", () => {
    expect(maskValue("12345", "phone")).toBe("*****");
    expect(maskValue(["13812345678", null], "phone")).toEqual(["138****5678", null]);
    expect(maskValue(null, "id-card")).toBeNull();
    expect(maskValue(12345678901, "phone")).toBeNull();
    expect(maskValue({ number: "13812345678" }, "phone")).toBeNull();
  });

  it("counts characters, not UTF-16 code units: a character outside the BMP is kept or masked whole", () => {
    expect(maskValue("𠀀𠀁𠀂", "name")).toBe("𠀀**");
    expect(maskValue("𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇", "id-card")).toBe("𠀀𠀁𠀂*𠀄𠀅𠀆𠀇");
    expect(maskValue("1381234567𠀀", "phone")).toBe("138****567𠀀");
    expect(maskValue("上海市静安𠀀区临汾路", "address")).toBe("上海市静安𠀀****");
    expect(maskValue("𠀀𠀁𠀂𠀃𠀄𠀅𠀆", "phone")).toBe("*******");
    expect(maskValue("", "name")).toBe("*");
    expect(maskValue("𠀀", "free-text")).toBe("****");
  });

  it("reads field and type marks from a supergraph; an unknown mask hides the whole value", () => {
    const sdl = `
      type Query { r: R }
      type R @classified(level: "sensitive", category: "health") {
        a: String
        b: String @classified(level: "personal", category: "contact", mask: "phone")
        c: String @classified(level: "personal", category: "contact", mask: "rot13")
      }
      directive @classified(level: String!, category: String!, mask: String) on FIELD_DEFINITION | OBJECT`;
    const marks = classificationOf(sdl);
    expect(marks.get("R.a")).toEqual({ level: "sensitive", category: "health", mask: null });
    expect(marks.get("R.b")).toEqual({ level: "personal", category: "contact", mask: "phone" });
    expect(marks.get("R.c")?.mask).toBe("free-text");
    expect(marks.has("Query.r")).toBe(false);
  });
});
