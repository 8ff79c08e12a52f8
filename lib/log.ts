/**
 * Structured JSON logs (pino: fast, well kept, built-in redaction). Tokens, cookies and envelopes are redacted
 * wherever they appear in a logged object, so a careless `log.info({ headers })` cannot leak them.
 */
import { type Logger, pino } from "pino";

export type { Logger };

export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "password",
  "token",
  "*.authorization",
  "*.cookie",
  "*.password",
  "*.token",
  "*.refreshToken",
  "headers.authorization",
  "headers.cookie",
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
