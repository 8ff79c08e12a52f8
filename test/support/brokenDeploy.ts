/**
 * Broken copies of what `npm run deploy:check` reads, for its tests: each copy is the committed file with one edit, in
 * a scratch folder removed after the file's tests (an edit that changes nothing fails the test).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { PROJECT_ROOT } from "../../scripts/deploy/check.ts";

export function brokenCopies() {
  const scratch = mkdtempSync(join(tmpdir(), "og-deploy-check-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let copies = 0;

  /** A copy of deploy/ with each file's text changed by its edit. */
  function brokenDeploy(edits: Record<string, (text: string) => string>): string {
    copies += 1;
    const dir = join(scratch, `deploy-${copies}`);
    cpSync(join(PROJECT_ROOT, "deploy"), dir, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const path = join(dir, file);
      const before = readFileSync(path, "utf8");
      const after = edit(before);
      expect(after, `the edit of ${file} changes it`).not.toBe(before);
      writeFileSync(path, after);
    }
    return dir;
  }

  /** A copy of one project file (Dockerfile, .dockerignore, package.json) with an edit. */
  function brokenFile(file: string, edit: (text: string) => string): string {
    const before = readFileSync(join(PROJECT_ROOT, file), "utf8");
    const after = edit(before);
    expect(after, `the edit of ${file} changes it`).not.toBe(before);
    copies += 1;
    const path = join(scratch, `${copies}-${file.replace(/^\./, "")}`);
    writeFileSync(path, after);
    return path;
  }

  return { brokenDeploy, brokenFile };
}

export const replace = (from: string | RegExp, to: string) => (text: string) => text.replace(from, to);
