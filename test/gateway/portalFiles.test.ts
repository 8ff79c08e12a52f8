/**
 * The portal's static files on the gateway's origin (issue 15, docs/portal.md): the built files with their content
 * types, the page's content security policy, a year's cache for hashed assets and none for the page; nothing outside
 * the folder (`..` plain or encoded, backslashes, dot files, a symbolic link out), no directory listing, and unknown
 * paths answer 404.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";

/** A raw GET: fetch() would normalise `..` and `%2e%2e` away before they reach the gateway. */
function rawGet(port: number, path: string, method = "GET", headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

const PUBLIC_ORIGIN = "http://portal.jingan.test:8080";

describe("the portal's files on the gateway", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;
  let unbuilt: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-portal-files-"));
    const dist = join(dir, "dist");
    await mkdir(join(dist, "assets", "nested"), { recursive: true });
    await writeFile(join(dist, "index.html"), "<!doctype html><title>门户</title>");
    await writeFile(join(dist, "assets", "index-Ab12Cd34.js"), "console.log('portal')");
    await writeFile(join(dist, "assets", "index-Ab12Cd34.css"), "body{}");
    await writeFile(join(dist, "assets", "nested", "x.svg"), "<svg/>");
    await writeFile(join(dist, ".env"), "SECRET=1");
    await writeFile(join(dist, "notes.unknownext"), "?");
    await writeFile(join(dir, "secret.txt"), "outside the portal");
    await symlink(join(dir, "secret.txt"), join(dist, "assets", "link.txt"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    const common = { SUPERGRAPH_PATH: join(dir, "supergraph.graphql"), IDENTITY_URL: "http://127.0.0.1:9" };
    gateway = await startTestGateway({ ...common, PORTAL_DIR: dist, PUBLIC_ORIGIN });
    unbuilt = await startTestGateway({ ...common, PORTAL_DIR: join(dir, "not-built") });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), unbuilt?.stop()]);
    await Promise.all([books?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the page at /portal/ and /portal/callback with its security policy and no cache", async () => {
    for (const path of ["/portal/", "/portal/callback?code=abc&state=x"]) {
      const page = await rawGet(gateway.port, path);
      expect(page.status).toBe(200);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body).toContain("门户");
      expect(page.headers["cache-control"]).toBe("no-cache");
      const csp = String(page.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-eval|https?:/);
      expect(page.headers["x-content-type-options"]).toBe("nosniff");
      expect(page.headers["referrer-policy"]).toBe("same-origin");
    }
    const bare = await rawGet(gateway.port, "/portal");
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe("/portal/");
  });

  it("serves hashed assets with their content types and a year's immutable cache", async () => {
    const script = await rawGet(gateway.port, "/portal/assets/index-Ab12Cd34.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(script.body).toBe("console.log('portal')");
    const style = await rawGet(gateway.port, "/portal/assets/index-Ab12Cd34.css");
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    const svg = await rawGet(gateway.port, "/portal/assets/nested/x.svg");
    expect(svg.headers["content-type"]).toBe("image/svg+xml");
    const head = await rawGet(gateway.port, "/portal/assets/index-Ab12Cd34.js", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it.each([
    "/portal/../secret.txt",
    "/portal/..%2fsecret.txt",
    "/portal/%2e%2e/secret.txt",
    "/portal/assets/..%2f..%2fsecret.txt",
    "/portal/assets%5c..%5c..%5csecret.txt",
    "/portal/assets/link.txt",
    "/portal/.env",
    "/portal/%00index.html",
    "/portal/assets/",
    "/portal/assets",
    "/portal/index.html/",
    "/portal/notes.unknownext",
    "/portal/no-such-page",
    "/portal/assets/missing.js",
    "/portal/%E0%A4%A",
  ])("answers 404 for %s, never a file outside the folder or a listing", async (path) => {
    const answer = await rawGet(gateway.port, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain("outside the portal");
    expect(answer.body).not.toContain("SECRET");
    expect(answer.body).not.toContain("index-Ab12Cd34");
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("serves module scripts to its own origin (browsers send Origin with them) and refuses other origins", async () => {
    const own = await rawGet(gateway.port, "/portal/assets/index-Ab12Cd34.js", "GET", { origin: PUBLIC_ORIGIN });
    expect(own.status).toBe(200);
    const other = await rawGet(gateway.port, "/portal/assets/index-Ab12Cd34.js", "GET", {
      origin: "https://evil.example",
    });
    expect(other.status).toBe(403);
  });

  it("refuses methods other than GET and HEAD", async () => {
    const answer = await rawGet(gateway.port, "/portal/", "POST");
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD");
  });

  it("says how to build the portal where it is not built", async () => {
    const answer = await rawGet(unbuilt.port, "/portal/");
    expect(answer.status).toBe(404);
    expect(answer.body).toContain("npm run portal:build");
  });
});
