import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ERRORS_DOC_PATH, renderErrorsDoc } from "../scripts/errorsDoc.ts";

describe("generated docs", () => {
  it("docs/errors.md matches the error registry (run npm run docs:errors)", async () => {
    expect(await readFile(ERRORS_DOC_PATH, "utf8")).toBe(renderErrorsDoc());
  });
});
