/**
 * The bench's public entry point for code outside bench/ (lint: no-restricted-imports): the
 * report's shape, which the smoke test reads. The bench itself runs as `npm run bench` (bench/run.ts).
 */
export type { BenchResult, Check, Report } from "./lib/report";
