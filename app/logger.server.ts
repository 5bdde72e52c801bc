import pino from "pino";
import { getBaseEnv } from "./env.server";

/**
 * Structured logs, one JSON line per event. Secrets and personal data are redacted by path
 * so that a careless `log.info({ tokens })` still cannot leak them; and every string that goes
 * out, whatever its key (a FreshBooks message quoting the customer's email in `reason`, an
 * error's message or stack) and the message itself, has anything email-like masked.
 */
export const REDACTED_PATHS = [
  "*.access_token",
  "*.refresh_token",
  "*.accessToken",
  "*.refreshToken",
  "*.authorization",
  "*.Authorization",
  "*.client_secret",
  "*.password",
  "*.email",
  "*.phone",
  "*.address1",
  "*.address2",
  "*.zip",
  "headers.authorization",
];

export const MASKED_EMAIL = "[email]";

/**
 * An address as it appears in free text: a local part, `@` (or `%40`, URL-encoded), a dotted
 * domain. Package paths such as `node_modules/@prisma/client` do not match (nothing before the
 * `@` but a slash), so stacks stay readable; `user:password@host` in a URL does, which is as well.
 * Never starts right after a backslash, so in a JSON line `\njane@…` keeps its escape whole.
 */
const EMAIL_LIKE = /(?<!\\)[A-Za-z0-9.!#$%&'*+?^_`{|}~-]*[A-Za-z0-9!#$%&'*+?^_`{|}~-](?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/gi;

export function maskEmails(text: string): string {
  return text.replace(EMAIL_LIKE, MASKED_EMAIL);
}

/** The app's logger; `destination` lets a test read the lines exactly as they are written. */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // On the finished line: the message, every field at any depth, errors and their stacks,
    // a child logger's bindings. Masking the JSON text keeps it valid JSON (see EMAIL_LIKE).
    hooks: { streamWrite: maskEmails },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const logger = createLogger(getBaseEnv().LOG_LEVEL);

export type Logger = typeof logger;
