import { spawn } from "node:child_process";
import path from "node:path";
import type { CannonConfig, CannonResult } from "../cannon";
import type { LoadConfig, LoadResult } from "../loadgen";
import { ROOT, BENCH_SHOP, SHOPIFY_SECRET } from "./config";

export type LoadOptions = Omit<LoadConfig, "shop" | "secret"> & { shop?: string };

/** Runs bench/loadgen.ts in its own process and returns its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const config: LoadConfig = { shop: BENCH_SHOP, secret: SHOPIFY_SECRET, ...options };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/loadgen.ts")], {
      cwd: ROOT,
      env: { ...process.env, BENCH_LOADGEN: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code: number | null) => {
      const line = output.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`load generator exited ${code}: ${output.slice(-2000)}`));
      else resolve(JSON.parse(line.slice("RESULT ".length)) as LoadResult);
    });
  });
}

/** Runs bench/cannon.ts (autocannon) in its own process against `url` and returns its result. */
export function runCannon(options: Omit<CannonConfig, "shop" | "secret">): Promise<CannonResult> {
  const config: CannonConfig = { shop: BENCH_SHOP, secret: SHOPIFY_SECRET, ...options };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/cannon.ts")], {
      cwd: ROOT,
      env: { ...process.env, BENCH_CANNON: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code: number | null) => {
      const line = output.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`autocannon exited ${code}: ${output.slice(-2000)}`));
      else resolve(JSON.parse(line.slice("RESULT ".length)) as CannonResult);
    });
  });
}
