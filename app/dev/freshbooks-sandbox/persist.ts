/**
 * Saving the sandbox's data to a JSON file and loading it back, so a FreshBooks that outlives
 * one process (the demo run after run) keeps its clients, invoices, payments and live tokens.
 * The request log and authorization codes are not kept: they describe one run.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AccountData, SandboxData } from "./state";

const VERSION = 1;
const BIGINT = "$bigint";

type IdName = "client" | "invoice" | "line" | "payment" | "tax" | "credit";
const ID_NAMES: readonly IdName[] = ["client", "invoice", "line", "payment", "tax", "credit"];

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { [BIGINT]: value.toString() };
  if (value instanceof Map) return [...value.entries()];
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const tagged = (value as Record<string, unknown>)[BIGINT];
    if (typeof tagged === "string" && Object.keys(value).length === 1) return BigInt(tagged);
  }
  return value;
}

interface SavedAccount extends Omit<AccountData, "clients" | "invoices" | "payments" | "creditNotes"> {
  /** Absent in files saved before credit notes existed. */
  creditNotes?: [number, AccountData["creditNotes"] extends Map<number, infer V> ? V : never][];
  clients: [number, AccountData["clients"] extends Map<number, infer V> ? V : never][];
  invoices: [number, AccountData["invoices"] extends Map<number, infer V> ? V : never][];
  payments: [number, AccountData["payments"] extends Map<number, infer V> ? V : never][];
}

interface SavedData {
  version: number;
  accounts: [string, SavedAccount][];
  refreshTokens: SandboxData["refreshTokens"] extends Map<string, infer V> ? [string, V][] : never;
  accessTokens: SandboxData["accessTokens"] extends Map<string, infer V> ? [string, V][] : never;
  ids: Record<IdName, number>;
}

export function saveSandboxData(data: SandboxData, file: string): void {
  const saved = {
    version: VERSION,
    accounts: data.accounts,
    refreshTokens: data.refreshTokens,
    accessTokens: data.accessTokens,
    ids: Object.fromEntries(ID_NAMES.map((name) => [name, data.ids[name].peek()])),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(saved, replacer));
  renameSync(temporary, file);
}

/** Loads a saved file into `data` (which should be empty); false when there is none. */
export function loadSandboxData(data: SandboxData, file: string): boolean {
  if (!existsSync(file)) return false;
  const saved = JSON.parse(readFileSync(file, "utf8"), reviver) as SavedData;
  if (saved.version !== VERSION) throw new Error(`${file}: unknown sandbox data version ${saved.version}`);
  for (const [accountId, account] of saved.accounts) {
    data.accounts.set(accountId, {
      ...account,
      clients: new Map(account.clients),
      invoices: new Map(account.invoices),
      payments: new Map(account.payments),
      creditNotes: new Map(account.creditNotes ?? []),
    });
  }
  for (const [token, record] of saved.refreshTokens) data.refreshTokens.set(token, record);
  for (const [token, record] of saved.accessTokens) data.accessTokens.set(token, record);
  for (const name of ID_NAMES) if (typeof saved.ids[name] === "number") data.ids[name].continueFrom(saved.ids[name]);
  return true;
}
