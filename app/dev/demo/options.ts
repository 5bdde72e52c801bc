/** `npm run demo -- [options]`: what can be chosen, and the defaults. */
import path from "node:path";

export interface DemoOptions {
  /** Orders to send; 0 = until Ctrl-C. */
  orders: number;
  /** Orders per minute. */
  rate: number;
  /** 0..1: share of FreshBooks API requests that fail with a 5xx or time out. */
  faultRate: number;
  reset: boolean;
  port: number;
  sandboxPort: number;
  databasePort: number;
  /** Holds the embedded PostgreSQL (postgres/) and the FreshBooks sandbox's data. */
  dataDir: string;
  /** Rebuild the app first (default); --no-build reuses build/. */
  build: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]
  --orders N         orders to send (default 30; 0 = until Ctrl-C)
  --rate N           orders per minute (default 20)
  --fault-rate F     share of FreshBooks requests that fail with 5xx or time out, 0..1 (default 0.05)
  --reset            start fresh: empty database and FreshBooks sandbox
  --port N           web server port (default 3000)
  --sandbox-port N   FreshBooks sandbox port (default 4010)
  --db-port N        embedded PostgreSQL port (default 54332)
  --data-dir DIR     where the demo keeps its data (default .data/demo)
  --no-build         reuse the existing build/ instead of building first
`;

export class UsageError extends Error {}

function number(flag: string, raw: string | undefined, check: (value: number) => boolean): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(value) || !check(value)) {
    throw new UsageError(`${flag} needs a valid number, got ${raw ?? "nothing"}\n\n${USAGE}`);
  }
  return value;
}

const port = (value: number) => Number.isInteger(value) && value > 0 && value < 65536;

export function parseDemoArgs(argv: readonly string[]): DemoOptions | "help" {
  const options: DemoOptions = {
    orders: 30,
    rate: 20,
    faultRate: 0.05,
    reset: false,
    port: 3000,
    sandboxPort: 4010,
    databasePort: 54332,
    dataDir: path.resolve(".data/demo"),
    build: true,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      index += 1;
      return argv[index];
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--orders":
        options.orders = number(flag, value(), (v) => Number.isInteger(v) && v >= 0);
        break;
      case "--rate":
        options.rate = number(flag, value(), (v) => v > 0 && v <= 6000);
        break;
      case "--fault-rate":
        options.faultRate = number(flag, value(), (v) => v >= 0 && v <= 1);
        break;
      case "--reset":
        options.reset = true;
        break;
      case "--no-build":
        options.build = false;
        break;
      case "--port":
        options.port = number(flag, value(), port);
        break;
      case "--sandbox-port":
        options.sandboxPort = number(flag, value(), port);
        break;
      case "--db-port":
        options.databasePort = number(flag, value(), port);
        break;
      case "--data-dir":
        options.dataDir = path.resolve(value() ?? "");
        break;
      default:
        throw new UsageError(`Unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return options;
}
