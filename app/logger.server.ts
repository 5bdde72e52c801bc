import pino from "pino";
import { getBaseEnv } from "./env.server";

/**
 * Structured logs, one JSON line per event. Secrets and personal data are redacted by path
 * so that a careless `log.info({ tokens })` still cannot leak them.
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

export const logger = pino({
  level: getBaseEnv().LOG_LEVEL,
  base: undefined,
  redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
});

export type Logger = typeof logger;
