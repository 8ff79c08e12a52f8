/**
 * `npm run registry -- <command>`: the schema registry's command line (docs/registry.md).
 *
 *   serve                                   start the registry service (environment: registry/config.ts)
 *   check <name> <sdl-file> [--url URL] [--manifest FILE]     run the publish checks without publishing
 *   publish <name> <sdl-file> [--url URL] [--manifest FILE]   publish a version (active, or pending approval), with
 *                                           the department's manifest (subgraphs/<name>/department.json)
 *   approve <name> <version>                approve a pending version (security administrator)
 *   reject <name> <version>                 reject a pending version (security administrator)
 *   rollback <name> <version>               make an earlier version active again
 *   history <name>                          every version: status, publisher, approver
 *   operations register <appId> <file|folder>…   register trusted operations for an app: each .graphql file (a
 *                                           folder: its .graphql files) is one document, checked against the
 *                                           current supergraph; all or none (officer of the app's department,
 *                                           or a security administrator)
 *
 * The client commands call REGISTRY_URL (default http://127.0.0.1:4110) with REGISTRY_TOKEN, an access token from the
 * identity service (`POST /oauth/token`) of an officer of the owning department, or of a security administrator.
 */
import { readFile } from "node:fs/promises";
import { ConfigError } from "../lib/config.ts";
import { documentHash } from "../lib/contracts/trustedDocuments.ts";
import type { CheckReport } from "./checks.ts";
import { operationFiles, registerOperationFiles } from "./operationFiles.ts";

const USAGE = `usage: npm run registry -- serve
       npm run registry -- check <name> <sdl-file> [--url URL] [--manifest department.json]
       npm run registry -- publish <name> <sdl-file> [--url URL] [--manifest department.json]
       npm run registry -- approve <name> <version>
       npm run registry -- reject <name> <version>
       npm run registry -- rollback <name> <version>
       npm run registry -- history <name>
       npm run registry -- operations register <appId> <file.graphql|folder>...
environment: REGISTRY_URL (default http://127.0.0.1:4110), REGISTRY_TOKEN (bearer token from the identity service)`;

interface Answer {
  status: number;
  body: any;
}

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void = console.log,
): Promise<number> {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--url" || arg === "--manifest") {
      flags.set(arg, argv[i + 1] ?? "");
      i += 1;
    } else positional.push(arg);
  }
  const [command, name, third] = positional;
  const base = (env.REGISTRY_URL ?? "http://127.0.0.1:4110").replace(/\/$/, "");
  const urlFlag = flags.get("--url") || undefined;
  const manifestFile = flags.get("--manifest");
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    if (!env.REGISTRY_TOKEN) throw new Error("Set REGISTRY_TOKEN to an access token from the identity service.");
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${env.REGISTRY_TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  const refused = (answer: Answer) => {
    const error = answer.body?.errors?.[0];
    print(`refused (${answer.status} ${error?.extensions?.code ?? ""}): ${error?.message ?? "no answer"}`);
    if (error?.extensions?.report) printReport(error.extensions.report, print);
    for (const problem of error?.extensions?.problems ?? []) print(`MANIFEST  ${problem}`);
    return 1;
  };
  if (command === "operations") return operationsCommand(positional.slice(1), env, base, print);
  if (!command || !name || !/^[a-z][a-z0-9_]{0,40}$/.test(name)) {
    print(USAGE);
    return 2;
  }
  switch (command) {
    case "check":
    case "publish": {
      if (!third || manifestFile === "") {
        print(USAGE);
        return 2;
      }
      const sdl = await readFile(third, "utf8");
      let manifest: unknown;
      if (manifestFile) {
        try {
          manifest = JSON.parse(await readFile(manifestFile, "utf8"));
        } catch (error) {
          print(`${manifestFile} is not JSON: ${(error as Error).message}`);
          return 2;
        }
      }
      const answer = await call("POST", `/subgraphs/${name}/${command}`, { sdl, url: urlFlag, manifest });
      if (answer.status >= 400) return refused(answer);
      printReport(answer.body.report, print);
      if (answer.body.manifest && answer.body.manifest !== "none") print(`manifest: ${answer.body.manifest}`);
      if (command === "check") {
        print(answer.body.report.ok ? "check passed" : "check failed");
        return answer.body.report.ok ? 0 : 1;
      }
      print(
        answer.body.status === "PENDING"
          ? `published ${name} v${answer.body.version}: PENDING — a security administrator must approve it (npm run registry -- approve ${name} ${answer.body.version})`
          : `published ${name} v${answer.body.version}: ACTIVE`,
      );
      return 0;
    }
    case "approve":
    case "reject":
    case "rollback": {
      const version = Number(third);
      if (!Number.isInteger(version) || version < 1) {
        print(USAGE);
        return 2;
      }
      const answer =
        command === "rollback"
          ? await call("POST", `/subgraphs/${name}/rollback`, { version })
          : await call("POST", `/subgraphs/${name}/versions/${version}/${command}`);
      if (answer.status >= 400) return refused(answer);
      print(
        command === "reject"
          ? `rejected ${name} v${version}`
          : `${command === "approve" ? "approved" : "rolled back"} ${name}: v${version} is ACTIVE`,
      );
      return 0;
    }
    case "history": {
      const answer = await call("GET", `/subgraphs/${name}/versions`);
      if (answer.status >= 400) return refused(answer);
      print(`${name} (owner ${answer.body.departmentId})`);
      for (const v of answer.body.versions) {
        print(
          `v${v.version}  ${v.status.padEnd(10)} published ${v.publishedAt} by ${v.publishedBy}` +
            (v.approvedBy ? `, ${v.status === "REJECTED" ? "rejected" : "approved"} by ${v.approvedBy}` : ""),
        );
      }
      return 0;
    }
    default:
      print(USAGE);
      return 2;
  }
}

async function operationsCommand(
  [action, appId, ...paths]: string[],
  env: Record<string, string | undefined>,
  registryUrl: string,
  print: (line: string) => void,
): Promise<number> {
  if (action !== "register" || !appId || paths.length === 0) {
    print(USAGE);
    return 2;
  }
  if (!env.REGISTRY_TOKEN) throw new Error("Set REGISTRY_TOKEN to an access token from the identity service.");
  const files = await operationFiles(paths);
  if (files.length === 0) {
    print(`No .graphql files in ${paths.join(", ")}.`);
    return 2;
  }
  const answer = await registerOperationFiles({ registryUrl, token: env.REGISTRY_TOKEN, appId, files });
  if (answer.status !== 201) {
    const error = answer.body?.errors?.[0];
    print(`refused (${answer.status} ${error?.extensions?.code ?? ""}): ${error?.message ?? "no answer"}`);
    for (const problem of error?.extensions?.problems ?? []) {
      print(`  ${files[problem.index]?.file ?? `document ${problem.index}`}: ${problem.message}`);
    }
    return 1;
  }
  const names = new Map(
    (answer.body.registered as Array<{ hash: string; operationName: string }>).map((o) => [o.hash, o.operationName]),
  );
  for (const { file, document } of files) {
    const hash = documentHash(document);
    print(`${hash}  ${names.get(hash) ?? ""}  ${file}`);
  }
  print(`registered ${files.length} operation(s) for ${appId} (supergraph revision ${answer.body.revision})`);
  return 0;
}

function printReport(report: CheckReport, print: (line: string) => void): void {
  print(`composition: ${report.composition.ok ? "ok" : "FAILED"}`);
  for (const error of report.composition.errors) print(`  ${error}`);
  for (const change of report.changes) {
    const used = change.usedBy.length > 0 ? ` (used by ${change.usedBy.join(", ")})` : "";
    print(`${change.level.padEnd(9)} ${change.message}${used}`);
  }
  for (const change of report.securityChanges) print(`SECURITY  ${change}`);
  for (const violation of report.violations) print(`RULE      ${violation.message}`);
  for (const operation of report.brokenOperations ?? []) {
    print(
      `OPERATION ${operation.operationName ?? operation.hash} of ${operation.appId}: ${operation.problems.join(" ")}`,
    );
  }
  if (report.needsApproval) print("needs approval by a security administrator");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if (argv[0] === "serve") {
    const { loadRegistryConfig } = await import("./config.ts");
    const { startRegistry } = await import("./registryService.ts");
    try {
      const registry = await startRegistry(loadRegistryConfig(process.env));
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          registry.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      throw error;
    }
  } else {
    try {
      process.exitCode = await runCli(argv, process.env);
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    }
  }
}
