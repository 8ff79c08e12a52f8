/**
 * Operation files for the registry's trusted operations (docs/registry.md, "Trusted operations"): every `.graphql` file
 * named, or found directly in a folder named, is one document — the exact text the client sends, hashed as it is.
 * `npm run registry -- operations register <appId> <file|folder>…` and `npm start` (for the folders in
 * TRUSTED_OPERATION_FOLDERS, by default the portal's `portal/operations` for app-portal) both register through here.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { KNOWN_ACCOUNTS } from "../subgraphs/identity/seedData.ts";

export interface OperationFile {
  file: string;
  document: string;
}

/** The documents of the files and folders given (a folder: its `.graphql` files, by name), in order. */
export async function operationFiles(paths: string[]): Promise<OperationFile[]> {
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith(".graphql")).sort();
      files.push(...names.map((name) => join(path, name)));
    } else files.push(path);
  }
  return Promise.all(files.map(async (file) => ({ file, document: await readFile(file, "utf8") })));
}

export interface RegistryAnswer {
  status: number;
  body: any;
}

/** POST /apps/<appId>/operations with the documents of `files`. */
export async function registerOperationFiles(options: {
  registryUrl: string;
  token: string;
  appId: string;
  files: OperationFile[];
}): Promise<RegistryAnswer> {
  const response = await fetch(
    `${options.registryUrl.replace(/\/$/, "")}/apps/${encodeURIComponent(options.appId)}/operations`,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ documents: options.files.map((f) => f.document) }),
    },
  );
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** `app-portal=portal/operations,app-kiosk=kiosk/operations` → [[app, folder]]. */
export function operationFolders(spec: string): Array<{ appId: string; folder: string }> {
  return spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [appId, folder] = entry.split("=");
      if (!appId || !folder) throw new Error(`TRUSTED_OPERATION_FOLDERS entry "${entry}" is not <appId>=<folder>.`);
      return { appId: appId.trim(), folder: folder.trim() };
    });
}

export const DEFAULT_OPERATION_FOLDERS = "app-portal=portal/operations";

/**
 * At `npm start`, once the gateway answers: registers each folder's operations for its app, so an app in
 * trusted-documents mode can run them. The token is REGISTRY_TOKEN, or outside production the seeded security
 * administrator's (its published development password, docs/identity.md), taken at the gateway's /oauth/token. A
 * folder that does not exist or holds no `.graphql` file is skipped. Returns one line per folder, for the console.
 */
export async function registerOperationFoldersAtStart(options: {
  root: string;
  registryUrl: string;
  gatewayUrl: string;
  env: Record<string, string | undefined>;
}): Promise<string[]> {
  const { env } = options;
  const folders = operationFolders(env.TRUSTED_OPERATION_FOLDERS ?? DEFAULT_OPERATION_FOLDERS)
    .map((entry) => ({ ...entry, path: resolve(options.root, entry.folder) }))
    .filter((entry) => existsSync(entry.path));
  const lines: string[] = [];
  const withFiles: Array<{ appId: string; folder: string; files: OperationFile[] }> = [];
  for (const entry of folders) {
    const files = await operationFiles([entry.path]);
    if (files.length > 0) withFiles.push({ ...entry, files });
  }
  if (withFiles.length === 0) return lines;
  const token = env.REGISTRY_TOKEN ?? (env.NODE_ENV === "production" ? null : await developmentAdminToken(options));
  if (!token) {
    return withFiles.map((f) => `operations in ${f.folder} not registered for ${f.appId}: set REGISTRY_TOKEN`);
  }
  for (const entry of withFiles) {
    const answer = await registerOperationFiles({ ...options, token, appId: entry.appId, files: entry.files });
    const error = answer.body?.errors?.[0];
    lines.push(
      answer.status === 201
        ? `registered ${entry.files.length} operation(s) from ${entry.folder} for ${entry.appId}`
        : `operations in ${entry.folder} refused for ${entry.appId} (${answer.status} ${error?.extensions?.code ?? ""}): ${error?.message ?? ""}`,
    );
  }
  return lines;
}

async function developmentAdminToken(options: { gatewayUrl: string }): Promise<string | null> {
  const admin = KNOWN_ACCOUNTS.find((account) => account.username === "admin.security");
  if (!admin) return null;
  const response = await fetch(`${options.gatewayUrl.replace(/\/$/, "")}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: admin.username, password: admin.password }),
  });
  if (!response.ok) return null;
  return ((await response.json()) as { access_token?: string }).access_token ?? null;
}
