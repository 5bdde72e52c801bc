/**
 * `npm run sandbox:freshbooks [-- --port 4010] [--config sandbox.json] [--dialect name=value …]`:
 * runs the FreshBooks sandbox until interrupted. The optional JSON file holds SandboxOptions
 * (clientId, clientSecret, redirectUris, businesses, identity, clientLimit,
 * accessTokenTtlSeconds, dialect); a bare path argument is read as that file too. Each
 * `--dialect` switches one undocumented behaviour (docs/freshbooks-api.md §14), e.g.
 * `--dialect rounding=bankers --dialect invoiceNumbers=duplicates`. Drive it over HTTP at /__sandbox/….
 */
import { readFileSync } from "node:fs";
import { optionsFileSchema } from "./control";
import { DIALECT_VALUES, parseDialectArg, type Dialect } from "./dialect";
import { startFreshBooksSandbox, type SandboxOptions } from "./server";

function parseArgs(argv: readonly string[]): { port: number; configPath: string | null; dialect: Partial<Dialect> } {
  let port = 4010;
  let configPath: string | null = null;
  let dialect: Partial<Dialect> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === "--port") {
      const value = Number(argv[index + 1]);
      if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--port needs a port number, got ${argv[index + 1]}`);
      port = value;
      index += 1;
    } else if (arg === "--dialect") {
      dialect = { ...dialect, ...parseDialectArg(argv[index + 1] ?? "") };
      index += 1;
    } else if (arg === "--config") {
      configPath = argv[index + 1] ?? null;
      index += 1;
    } else if (arg && !arg.startsWith("--")) {
      configPath = arg;
    } else {
      const dialects = Object.entries(DIALECT_VALUES)
        .map(([name, values]) => `  ${name}: ${values.join(" | ")}`)
        .join("\n");
      throw new Error(
        `Unknown argument ${arg}. Usage: sandbox:freshbooks [--port N] [--config file.json] [--dialect name=value …]\nDialects (first = default):\n${dialects}`,
      );
    }
  }
  return { port, configPath, dialect };
}

function readOptions(configPath: string | null): SandboxOptions {
  if (!configPath) return {};
  const parsed = optionsFileSchema.safeParse(JSON.parse(readFileSync(configPath, "utf8")));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid sandbox config ${configPath}:\n${issues}`);
  }
  return parsed.data;
}

const { port, configPath, dialect } = parseArgs(process.argv.slice(2));
const options = readOptions(configPath);
const sandbox = await startFreshBooksSandbox({ ...options, port: options.port ?? port, dialect: { ...options.dialect, ...dialect } });
process.stdout.write(
  `FreshBooks sandbox listening on ${sandbox.url}\n` +
    `  FRESHBOOKS_API_URL=${sandbox.url}\n  FRESHBOOKS_AUTH_URL=${sandbox.url}\n` +
    `  accounts: ${sandbox.state.accountIds().join(", ")}\n  control: ${sandbox.url}/__sandbox/state\n` +
    `  dialect: ${Object.entries(sandbox.dialect())
      .map(([name, value]) => `${name}=${value}`)
      .join(" ")}\n`,
);

const stop = () => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
