/**
 * Reads a Dockerfile and a .dockerignore the way the builder does, for the facts deploy:check lints offline:
 * instructions (with `\` continuations, comments and parser directives), build stages with their base images (ARG
 * defaults substituted), and which context files a COPY takes.
 */
import { matchesGlob } from "node:path";

export interface Instruction {
  /** Upper case: FROM, RUN, COPY … */
  keyword: string;
  /** The text after the keyword, continuations joined. */
  args: string;
  line: number;
}

export interface Stage {
  name?: string;
  /** The base image, ARG defaults substituted. */
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && !pending)) continue;
    const continued = line.endsWith("\\");
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending) pending.parts.push(body);
    else {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      if (!match) continue;
      pending = { keyword: (match[1] as string).toUpperCase(), parts: [match[2] as string], line: index + 1 };
    }
    if (!continued) {
      instructions.push({
        keyword: pending.keyword,
        args: pending.parts.filter(Boolean).join(" "),
        line: pending.line,
      });
      pending = undefined;
    }
  }
  if (pending) instructions.push({ keyword: pending.keyword, args: pending.parts.join(" "), line: pending.line });

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.replace(/--platform=\S+\s*/, "").split(/\s+/);
      stages.push({
        image: substitute(image, globalArgs),
        ...(as?.toUpperCase() === "AS" && name ? { name } : {}),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === "ARG") {
        const [key, value = ""] = instruction.args.split("=", 2) as [string, string?];
        globalArgs.set(key.trim(), value.trim().replace(/^"(.*)"$/, "$1"));
      }
    } else {
      (stages.at(-1) as Stage).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args.get(name) ?? "");
}

/** The exec-form array of ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const value = JSON.parse(args) as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `--from=build --chown=1:1 a b dest` → flags, sources, destination. */
export function parseCopy(args: string): { flags: Map<string, string>; sources: string[]; destination: string } {
  const json = execForm(args);
  const words = json ?? args.split(/\s+/).filter(Boolean);
  const flags = new Map<string, string>();
  while (words[0]?.startsWith("--")) {
    const [key, value = ""] = (words.shift() as string).slice(2).split("=", 2) as [string, string?];
    flags.set(key, value);
  }
  const destination = words.pop() ?? "";
  return { flags, sources: words, destination };
}

/** ENV lines: `A=1 B=2` or the legacy `A 1`. */
export function parseEnv(args: string): Map<string, string> {
  const env = new Map<string, string>();
  if (!args.includes("=")) {
    const [key, ...rest] = args.split(/\s+/);
    if (key) env.set(key, rest.join(" "));
    return env;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) {
    env.set(match[1] as string, match[3] ?? (match[2] as string));
  }
  return env;
}

/** A .dockerignore: whether a context path (relative, `/`-separated) is left out of the build context. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = (negated ? line.slice(1) : line).trim().replace(/^\/+/, "").replace(/\/+$/, "");
      return { negated, pattern };
    });
  return (path: string) => {
    const parts = path.split("/");
    // A pattern that matches a parent directory leaves out everything under it; the last matching rule wins.
    let excluded = false;
    for (const rule of rules) {
      for (let depth = 1; depth <= parts.length; depth += 1) {
        if (matchesGlob(parts.slice(0, depth).join("/"), rule.pattern)) {
          excluded = !rule.negated;
          break;
        }
      }
    }
    return excluded;
  };
}
