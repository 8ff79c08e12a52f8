import { describe, expect, it } from "vitest";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import {
  buildCreditCode,
  creditCodeCheckCharacter,
  creditCodeProblem,
  isValidCreditCode,
  organisationCodeCheckCharacter,
} from "./creditCode.ts";
import { buildSeedData } from "./seedData.ts";

describe("unified social credit code (GB 32100-2015)", () => {
  it("accepts published codes of real companies", () => {
    // 腾讯科技（深圳）有限公司, 华为技术有限公司, 阿里巴巴（中国）网络技术有限公司
    for (const code of ["91440300708461136T", "914403001922038216", "91330100716105852F"]) {
      expect(creditCodeProblem(code)).toBeNull();
    }
  });

  it("computes the check character over the first 17 characters, wrapping 31 to 0", () => {
    expect(creditCodeCheckCharacter("91440300708461136")).toBe("T");
    expect(creditCodeCheckCharacter("91440300192203821")).toBe("6");
    // A body whose weighted sum is a multiple of 31 gets 0, not the out-of-range 31.
    const body = "9131010600000000";
    const zeroCase = [...Array(31).keys()]
      .map((n) => body + "0123456789ABCDEFGHJKLMNPQRTUWXY"[n])
      .find((first17) => creditCodeCheckCharacter(first17) === "0");
    expect(zeroCase).toBeDefined();
  });

  it("checks the embedded organisation code (GB 11714) as its own standard says", () => {
    expect(organisationCodeCheckCharacter("70846113")).toBe("6");
    expect(organisationCodeCheckCharacter("19220382")).toBe("1");
    // 10 is written X and 11 is written 0.
    // "00000006": weighted sum 12, 11 − (12 mod 11) = 10.
    expect(organisationCodeCheckCharacter("00000006")).toBe("X");
    expect(organisationCodeCheckCharacter("00000000")).toBe("0");
  });

  it("names the right check character when one character was mistyped", () => {
    expect(creditCodeProblem("91440300708461136A")).toBe(
      'The check character of "91440300708461136A" should be T, not A; check the code for a typing error.',
    );
    expect(creditCodeProblem("9144030070846113")).toMatch(/has 18 characters; "9144030070846113" has 16/);
    expect(creditCodeProblem("9144030070846113IT")).toMatch(/without I, O, Z, S and V/);
  });

  it("gives every seeded enterprise a distinct, valid Jing'an code", () => {
    const { enterprises } = buildSeedData({ date: TEST_SEED_DATE, previousDates: [] });
    const codes = enterprises.map((enterprise) => enterprise.creditCode);
    expect(new Set(codes).size).toBe(enterprises.length);
    expect(codes.every((code) => isValidCreditCode(code) && code.slice(2, 8) === "310106")).toBe(true);
    const built = buildCreditCode({
      authority: "9",
      entityKind: "1",
      divisionCode: "310106",
      organisationBody: "MA1FL0AB",
    });
    expect(isValidCreditCode(built)).toBe(true);
  });
});
