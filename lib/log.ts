/**
 * Structured JSON logs (pino: fast, well kept, built-in redaction). Tokens, cookies, envelopes and personal data
 * (identity-card and phone numbers, GraphQL variables) are redacted wherever they appear at the top of a logged
 * object or one level down, so a careless `log.info({ headers })` or `log.warn({ body })` cannot leak them.
 */
import { type Logger, pino } from "pino";

export type { Logger };

/** Credentials and personal data, top level and one level down (`{ err }`, `{ headers }`, `{ body }` …). */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "password",
  "newPassword",
  "currentPassword",
  "temporaryPassword",
  "token",
  "access_token",
  "refresh_token",
  "refreshToken",
  "client_secret",
  "clientSecret",
  "secret",
  // Personal data: identity-card and phone numbers, and GraphQL variables (they may carry either).
  "idNumber",
  "phone",
  "variables",
];

export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers["x-og-envelope"]',
  "req.headers.authorization",
  "req.headers.cookie",
];

export interface LogOptions {
  /** Service name, added to every line. */
  service: string;
  level?: string;
}

export function createLogger({ service, level = "info" }: LogOptions): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** What a request's code logs with: the levels, not `child` or the rest of pino's surface. */
export type RequestLogger = Pick<Logger, "error" | "warn" | "info" | "debug">;

/**
 * A child of `log` with `bindings`, made when it first logs. Pino redacts a child's bindings as it makes one, which cost
 * a one-fetch gateway request a twentieth of its allocation (issue 16) — and most requests log nothing. A getter would
 * not do: Apollo Server copies the context with `Object.assign`, which reads every getter.
 */
export function lazyChild(log: Logger, bindings: Record<string, unknown>): RequestLogger {
  let child: Logger | undefined;
  const at =
    (level: keyof RequestLogger) =>
    (...args: unknown[]): void => {
      child ??= log.child(bindings);
      (child[level] as (...values: unknown[]) => void)(...args);
    };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") } as RequestLogger;
}
