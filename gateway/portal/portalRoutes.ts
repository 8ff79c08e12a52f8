/**
 * The portal (门户集成) on the gateway's own origin: the static files Vite built into `portal/dist`, served under
 * `/portal/` (docs/portal.md). Only files that exist inside that folder are served: no directory listing, no path
 * outside it (`..`, encoded or not, a NUL byte, a backslash), and every other path under `/portal/` is a 404. The
 * page's two entry paths (`/portal/` and `/portal/callback`, where single sign-on comes back) answer `index.html`.
 *
 * Headers: the content type from the file's extension (`nosniff` is set by the listener), a content security policy
 * that allows only this origin (scripts, styles, fonts, images, workers and `connect-src` for the graph and
 * `/oidc`), `no-cache` for `index.html` and a year, immutable, for Vite's hashed files under `assets/`.
 */
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import { errorBody } from "../../lib/errors.ts";
import type { Route } from "../../lib/http/graphqlHttp.ts";

/** Where the portal is mounted on the gateway. */
export const PORTAL_MOUNT = "/portal/";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * Everything from this origin only. `style-src 'unsafe-inline'`: the explorer's editor (Monaco) sets element styles;
 * `worker-src blob:`: its language workers may start from blob URLs. No `unsafe-eval`, nothing from another host.
 */
export const PORTAL_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const ENTRY_PATHS = new Set(["/portal/", "/portal/callback"]);
const IMMUTABLE = "public, max-age=31536000, immutable";

export interface PortalRoutesOptions {
  /** The built portal (`portal/dist`); a folder that does not exist makes `/portal/` answer 404 with how to build. */
  dir: string;
}

function notFound(res: ServerResponse, message: string) {
  res.statusCode = 404;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.end(errorBody("NOT_FOUND", message));
}

/** The file below `root` a URL path names, or null when the path is not a plain relative path inside it. */
export function portalFileOf(root: string, pathname: string): string | null {
  if (ENTRY_PATHS.has(pathname)) return join(root, "index.html");
  if (!pathname.startsWith(PORTAL_MOUNT)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(PORTAL_MOUNT.length));
  } catch {
    return null;
  }
  if (relative === "" || relative.includes("\0") || relative.includes("\\")) return null;
  const segments = relative.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || segment.startsWith("."))) {
    return null;
  }
  return join(root, ...segments);
}

export function portalRoutes({ dir }: PortalRoutesOptions): Record<string, Route> {
  let rootPromise: Promise<string | null> | null = null;
  const rootOf = () => {
    rootPromise ??= realpath(dir).catch(() => null);
    return rootPromise;
  };

  const serve: Route = async (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      res.statusCode = 405;
      res.setHeader("allow", "GET, HEAD");
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(errorBody("METHOD_NOT_ALLOWED", `Method ${method} is not accepted here; the portal is read with GET.`));
      return;
    }
    const pathname = new URL(req.url ?? "/", "http://gateway").pathname;
    const root = await rootOf();
    if (!root) {
      rootPromise = null;
      notFound(res, "The portal is not built here: run `npm run portal:build` (npm start builds it when missing).");
      return;
    }
    const candidate = portalFileOf(root, pathname);
    const type = candidate ? CONTENT_TYPES[extname(candidate).toLowerCase()] : undefined;
    if (!candidate || !type) {
      notFound(res, `Nothing is served at ${pathname.slice(0, 200)}.`);
      return;
    }
    // Symbolic links must not lead out of the folder either.
    const real = await realpath(candidate).catch(() => null);
    const info = real && (real === root || real.startsWith(root + sep)) ? await stat(real).catch(() => null) : null;
    if (!real || !info?.isFile()) {
      notFound(res, `Nothing is served at ${pathname.slice(0, 200)}.`);
      return;
    }
    res.statusCode = 200;
    res.setHeader("content-type", type);
    res.setHeader("content-length", String(info.size));
    res.setHeader("content-security-policy", PORTAL_SECURITY_POLICY);
    // Same-origin requests keep their Origin (the gateway refuses `Origin: null`, which `no-referrer` would send with
    // the page's POSTs); nothing is sent to other sites.
    res.setHeader("referrer-policy", "same-origin");
    const hashed = pathname.startsWith(`${PORTAL_MOUNT}assets/`);
    res.setHeader("cache-control", hashed ? IMMUTABLE : "no-cache");
    if (method === "HEAD") {
      res.end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(real);
      stream.on("error", reject);
      stream.on("end", () => resolve());
      stream.pipe(res);
    });
  };

  return {
    // `/portal` alone: to the folder, so that relative URLs resolve under it.
    "/portal": (req, res) => {
      req.resume();
      res.statusCode = 308;
      res.setHeader("location", PORTAL_MOUNT);
      res.end();
    },
    "/portal/*": serve,
  };
}
