import path from "node:path";
import { z } from "zod";

/**
 * The only reader of process.env. Everything the app needs from its environment is declared
 * here, validated once, and exposed as the typed `env`. A process with a missing or malformed
 * variable refuses to start and says which ones (see `.env.example` for what each one means).
 */
const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

/** What every process needs, including setup and migrations, which need no app secrets. */
const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url().optional(),
  EMBEDDED_POSTGRES_DIR: z.string().default(path.resolve(".data/postgres")),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().positive().default(54329),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  /**
   * Longest a webhook waits, from its arrival, for its turn at the database before a 503
   * (app/webhooks/gate.server.ts). Keep it well under Shopify's 5 s.
   */
  WEBHOOK_WAIT_MS: z.coerce.number().int().positive().default(3500),
  /**
   * While deliveries queue for the database (a web process at capacity), its intake recorder leaves
   * the received orders for later, at most this long (app/webhooks/order-intake.server.ts,
   * docs/decisions/0019); the worker records what a web process left this long plus 5 s; 0: never defer.
   */
  INTAKE_MAX_DEFER_MS: z.coerce.number().int().nonnegative().default(60_000),
  /** How long a web process remembers that a shop has the app installed (app/webhooks/installation.server.ts); 0: never. */
  INSTALLATION_CACHE_TTL_MS: z.coerce.number().int().nonnegative().default(5000),
  /**
   * Web processes behind the one port (Node cluster, app/bin/web-server.server.ts). Unset: one
   * per core in production, one in development and tests.
   */
  WEB_CONCURRENCY: z.coerce.number().int().positive().optional(),
});

const schema = baseSchema.extend({
  PORT: z.coerce.number().int().positive().default(3000),

  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.url(),
  SCOPES: z.string().min(1),

  /**
   * The Shopify admin's origin, where the FreshBooks callback sends the merchant back to the app
   * (`<origin>/store/<store>/apps/<api key>/<path>`). The demo points it at its own stand-in of the
   * admin (`/demo/admin`), so Connect and Reconnect end in the demo, never on admin.shopify.com.
   */
  SHOPIFY_ADMIN_URL: z.url().default("https://admin.shopify.com"),

  /** Where the embedded pages load App Bridge from (Shopify's CDN when unset; a stand-in in tests and the demo). */
  APP_BRIDGE_URL: z.url().optional(),

  /**
   * `npm run demo` only: the demo's own web server (app/dev/demo/web-server.ts) serves the demo
   * pages (/demo: a fresh session token for the demo shop, the App Bridge stand-in); the app's
   * build has none. Refused whenever NODE_ENV is production (app/dev/demo/gate.server.ts).
   */
  DEMO_MODE: booleanFlag,

  /**
   * Development, tests, the demo and the benches only: the Shopify Admin sandbox
   * (app/dev/shopify-admin-sandbox) that Admin API calls for https://<shop>/admin/… are sent to
   * instead (app/shopify/admin-fetch.server.ts). Refused when NODE_ENV is production.
   */
  SHOPIFY_ADMIN_API_URL: z.url().optional(),

  /** Set by `remix dev` when it runs the server; the server then reports each rebuild to it. */
  REMIX_DEV_ORIGIN: z.url().optional(),

  /** Bearer token that opens /healthz's details (queue, failures, heartbeat) to a monitor; unset: localhost only. */
  HEALTHZ_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),

  RUN_WORKER_IN_WEB: booleanFlag,
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(5),
  SYNC_RETRY_BASE_MS: z.coerce.number().int().positive().default(10_000),
  /** How often the completeness sweep compares each shop's recent orders with what webhooks delivered (minutes, 1-60). */
  ADMIN_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
  /**
   * How old the directory of the business's FreshBooks clients may be when a new customer is
   * looked up in it (docs/decisions/0015-performance.md): older, it is brought up to date first
   * (two list calls of the clients updated since the day before). A client someone creates in
   * FreshBooks by hand is seen within this time.
   */
  CLIENT_DIRECTORY_FRESH_MS: z.coerce.number().int().nonnegative().default(30_000),

  FRESHBOOKS_CLIENT_ID: z.string().min(1),
  FRESHBOOKS_CLIENT_SECRET: z.string().min(1),
  FRESHBOOKS_REDIRECT_URI: z.url(),
  FRESHBOOKS_API_URL: z.url().default("https://api.freshbooks.com"),
  FRESHBOOKS_AUTH_URL: z.url().default("https://auth.freshbooks.com"),
  /** FreshBooks' web app, for links from the sync log to invoices. */
  FRESHBOOKS_WEB_URL: z.url().default("https://my.freshbooks.com"),
  FRESHBOOKS_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),

  /** Retention (docs/decisions/0007): days before the daily job deletes each kind of data. */
  RETENTION_ORDER_SNAPSHOT_DAYS: z.coerce.number().int().positive().default(90),
  RETENTION_DATA_REQUEST_DAYS: z.coerce.number().int().positive().default(30),
  RETENTION_OAUTH_STATE_DAYS: z.coerce.number().int().positive().default(1),

  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((value) => decodeKey(value) !== null, "must be 32 bytes, as 64 hex characters or 44 characters of padded base64"),
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .optional()
    .refine(
      (value) => !value || value.split(",").every((key) => decodeKey(key.trim()) !== null),
      "must be a comma-separated list of 32-byte keys (64 hex characters or 44 characters of padded base64)",
    ),
});

/**
 * The demo pages log anyone in as the demo shop: a production process with DEMO_MODE set is a
 * misconfiguration, refused at start-up rather than merely hidden per request.
 */
/**
 * Without DATABASE_URL a process starts the embedded PostgreSQL, which runs with fsync off: a
 * power cut could lose orders that webhooks were told were stored. Not in production.
 */
function requireDatabaseUrlInProduction(value: z.infer<typeof baseSchema>, context: z.RefinementCtx): void {
  if (value.NODE_ENV === "production" && !value.DATABASE_URL) {
    context.addIssue({
      code: "custom",
      path: ["DATABASE_URL"],
      message: "must be set when NODE_ENV is production (the embedded PostgreSQL is for development and tests: it runs with fsync off)",
    });
  }
}

const checkedBaseSchema = baseSchema.superRefine(requireDatabaseUrlInProduction);

function isLoopbackUrl(url: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);
}

const checkedSchema = schema.superRefine((value, context) => {
  if (value.NODE_ENV !== "production") return;
  if (value.DEMO_MODE) {
    context.addIssue({
      code: "custom",
      path: ["DEMO_MODE"],
      message: "must not be set when NODE_ENV is production (the demo pages log anyone in as the demo shop)",
    });
  }
  requireDatabaseUrlInProduction(value, context);
  // A production build may talk to a sandbox on this machine (the e2e server, the demo, the
  // benches run the production build), never to another host: every shop's Admin API calls go there.
  if (value.SHOPIFY_ADMIN_API_URL && !isLoopbackUrl(value.SHOPIFY_ADMIN_API_URL)) {
    context.addIssue({
      code: "custom",
      path: ["SHOPIFY_ADMIN_API_URL"],
      message:
        "must be a sandbox on this machine (localhost, 127.0.0.1 or [::1]) when NODE_ENV is production: it sends every shop's Admin API calls there",
    });
  }
  if (PLACEHOLDER_KEYS.has(value.TOKEN_ENCRYPTION_KEY.toLowerCase())) {
    context.addIssue({
      code: "custom",
      path: ["TOKEN_ENCRYPTION_KEY"],
      message: "is a published placeholder (of the demo or `npm run local`) and must not be used when NODE_ENV is production",
    });
  }
});

export type Env = z.infer<typeof schema>;
/** Every variable the app reads (each documented in .env.example). */
export const ENV_VARIABLES = Object.keys(schema.shape) as (keyof Env)[];
export type BaseEnv = z.infer<typeof baseSchema>;

/**
 * Accepts a 32-byte key written as exactly 64 hex characters or as canonical, padded base64
 * (44 characters). Node's base64 decoder skips characters it does not know and stops at the
 * first `=`, so anything else ("my-password…", a key with a typo) could decode to some 32 bytes
 * of much less entropy than it looks: refused.
 */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return null;
  const key = Buffer.from(value, "base64");
  return key.length === 32 && key.toString("base64") === value ? key : null;
}

/**
 * Keys published in this repository for `npm run demo` and `npm run local` (they spell
 * "demo-only-key-not-for-production" and "local-only-key-not-for-productn!" in hex): anyone can
 * read them, so a production process refuses them (tests/env.test.ts checks the list is complete).
 */
export const PLACEHOLDER_KEYS: ReadonlySet<string> = new Set([
  "64656d6f2d6f6e6c792d6b65792d6e6f742d666f722d70726f64756374696f6e",
  "6c6f63616c2d6f6e6c792d6b65792d6e6f742d666f722d70726f647563746e21",
]);

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The environment is incomplete, so the process will not start:\n` +
        problems.map((problem) => `  - ${problem}`).join("\n") +
        `\nSee .env.example for what each variable means.`,
    );
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseWith(checkedSchema, source);
}

function parseWith<T extends z.ZodType>(shape: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = shape.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return source[name] === undefined && issue.code !== "custom" ? `${name} is missing` : `${name} ${issue.message}`;
  });
  throw new EnvError(problems);
}

let cached: Env | undefined;
let cachedBase: BaseEnv | undefined;

/** The validated environment; parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the parsed environment so the next read sees process.env as it is now (tests). */
export function reloadEnv(): void {
  cached = undefined;
  cachedBase = undefined;
}

/** Only the base settings (database, logging): enough for setup and migrations. */
export function getBaseEnv(): BaseEnv {
  cachedBase ??= parseWith(checkedBaseSchema, process.env);
  return cachedBase;
}

/** Loads `.env` from the working directory when there is one (what `shopify app dev` does too). */
export function loadDotEnv(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** The environment for a child process (Prisma CLI, worker, ...), plus overrides. */
export function childEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

export const env: Env = new Proxy({} as Env, {
  get: (_target, key) => getEnv()[key as keyof Env],
});

/**
 * Records the database chosen at start-up (an embedded server when DATABASE_URL was unset),
 * also for child processes such as the Prisma CLI.
 */
export function useDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
  getBaseEnv().DATABASE_URL = url;
  if (cached) cached.DATABASE_URL = url;
}
