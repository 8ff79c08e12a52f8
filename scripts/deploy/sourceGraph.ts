/**
 * What a service's code needs at run time, read from its sources: every file reachable by imports from its entry
 * point, the npm packages those files import, the files they read beside themselves (`new URL("./x", import.meta.url)`:
 * schemas, migrations), and the environment variables they read. The image must contain the files and the packages
 * (as production dependencies); a manifest may only set the variables.
 *
 * Type-only imports are skipped: they are erased before the code runs.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";

export interface SourceGraph {
  /** Files reached, relative to the project root, in discovery order. */
  files: string[];
  /** npm package name → the files that import it. */
  packages: Map<string, string[]>;
  /** Files read at run time beside the code (relative paths; directories end in "/"). */
  assets: string[];
  /** Environment variable names the reached files read. */
  envNames: Set<string>;
  /** Imports that point at no file. */
  unresolved: string[];
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

interface FileFacts {
  imports: string[];
  assets: string[];
  envNames: string[];
}

const factsCache = new Map<string, FileFacts>();

/** The graph reached from `entries` (paths relative to `root`). */
export function sourceGraph(root: string, entries: string[]): SourceGraph {
  const graph: SourceGraph = { files: [], packages: new Map(), assets: [], envNames: new Set(), unresolved: [] };
  const seen = new Set<string>();
  const queue = entries.map((entry) => resolve(root, entry));
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const rel = relative(root, file);
    if (!existsSync(file)) {
      graph.unresolved.push(rel);
      continue;
    }
    graph.files.push(rel);
    const facts = fileFacts(file);
    for (const name of facts.envNames) graph.envNames.add(name);
    for (const asset of facts.assets) {
      const path = resolve(dirname(file), asset);
      const assetRel = relative(root, path) + (asset.endsWith("/") ? "/" : "");
      // The repository root itself is a base that paths are joined to (e.g. KEYS_DIR), not something read whole.
      if (assetRel === "" || assetRel === "/") continue;
      if (!graph.assets.includes(assetRel)) graph.assets.push(assetRel);
    }
    for (const specifier of facts.imports) {
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        queue.push(resolve(dirname(file), specifier));
      } else if (!isBuiltin(specifier)) {
        const name = packageName(specifier);
        graph.packages.set(name, [...(graph.packages.get(name) ?? []), rel]);
      }
    }
  }
  return graph;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

function fileFacts(file: string): FileFacts {
  const key = `${file}@${statSync(file).mtimeMs}`;
  const cached = factsCache.get(key);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const facts: FileFacts = { imports: [], assets: [], envNames: [] };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) facts.imports.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) facts.imports.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) facts.imports.push(argument.text);
    } else if (ts.isNewExpression(node) && isImportMetaUrl(node)) {
      const [argument] = node.arguments ?? [];
      if (argument && ts.isStringLiteralLike(argument)) facts.assets.push(argument.text);
    } else if (ts.isPropertyAccessExpression(node) && isEnv(node.expression) && ENV_NAME.test(node.name.text)) {
      facts.envNames.push(node.name.text);
    } else if (ts.isElementAccessExpression(node) && isEnv(node.expression)) {
      const argument = node.argumentExpression;
      if (ts.isStringLiteralLike(argument) && ENV_NAME.test(argument.text)) facts.envNames.push(argument.text);
    } else if (isZodObject(node)) {
      // Configuration schemas: z.object({ PORT: …, DATABASE_URL: … }) over the environment.
      const [shape] = node.arguments;
      if (shape && ts.isObjectLiteralExpression(shape)) {
        for (const property of shape.properties) {
          const name = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
          if (name && ENV_NAME.test(name)) facts.envNames.push(name);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  factsCache.set(key, facts);
  return facts;
}

/** `new URL("…", import.meta.url)` */
function isImportMetaUrl(node: ts.NewExpression): boolean {
  const second = node.arguments?.[1];
  return (
    ts.isIdentifier(node.expression) &&
    node.expression.text === "URL" &&
    second !== undefined &&
    ts.isPropertyAccessExpression(second) &&
    ts.isMetaProperty(second.expression) &&
    second.name.text === "url"
  );
}

/** `process.env`, or a variable or parameter called `env` (configuration functions receive the environment). */
function isEnv(expression: ts.Expression): boolean {
  if (ts.isIdentifier(expression)) return expression.text === "env";
  return ts.isPropertyAccessExpression(expression) && expression.name.text === "env";
}

function isZodObject(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === "object" &&
    ts.isIdentifier(node.expression.expression) &&
    node.expression.expression.text === "z"
  );
}
