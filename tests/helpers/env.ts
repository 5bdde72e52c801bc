import { afterAll } from "vitest";
import { reloadEnv } from "../../app/env.server";

/**
 * The one door through which a test changes the app's settings (docs/decisions/0018). Use it only
 * where code reads its settings itself (a Remix route, a module that builds something at import):
 * a setting the code takes through its dependencies (the vault's `cipher`, the client's `fetch`,
 * the pipeline's deps) is passed there instead. A value of `undefined` unsets the variable.
 */
export type EnvOverrides = Record<string, string | undefined>;

/** Sets `overrides` now (and re-reads the settings); the returned function puts back what was there. */
export function setEnv(overrides: EnvOverrides): () => void {
  const before: EnvOverrides = {};
  for (const name of Object.keys(overrides)) before[name] = process.env[name];
  write(overrides);
  return () => write(before);
}

/** `overrides` for the rest of this test file, restored after its last test. */
export function useEnv(overrides: EnvOverrides): void {
  afterAll(setEnv(overrides));
}

function write(values: EnvOverrides): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  reloadEnv();
}
