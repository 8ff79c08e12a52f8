/**
 * Configuration is parsed once, at the edge: each service declares a zod schema over the environment, and start-up
 * reports every problem at once instead of failing on the first.
 */
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join(".") || "(environment)";
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
