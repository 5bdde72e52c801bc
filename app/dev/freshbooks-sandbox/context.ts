/** Configuration, clock and data that every sandbox handler receives. */
import { randomBytes } from "node:crypto";
import { DEFAULT_DIALECT, type Dialect } from "./dialect";
import { buildBusinesses, SandboxData, type Business, type BusinessConfig, type Identity } from "./state";

export interface SandboxOptions {
  /** 0 = a random free port. */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Allowed redirect URIs; empty or absent accepts any. */
  redirectUris?: string[];
  /** Default: one business "Demo Business". */
  businesses?: BusinessConfig[];
  identity?: { firstName: string; lastName: string; email: string };
  /** Plan cap on active clients, e.g. Lite 5; null = unlimited. */
  clientLimit?: number | null;
  accessTokenTtlSeconds?: number;
  now?: () => Date;
  /** Keep the data in this JSON file: loaded at start, saved after each change and on close. */
  stateFile?: string;
  /** How FreshBooks behaves where it is undocumented (dialect.ts); unset switches take the defaults. */
  dialect?: Partial<Dialect>;
}

export interface SandboxConfig {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  businesses: Business[];
  identity: Identity;
  clientLimit: number | null;
  accessTokenTtlSeconds: number;
  dialect: Dialect;
  /** Scopes refused even when granted (the login lost a permission): set by configure(). */
  withheldScopes: string[];
}

export const DEFAULT_CLIENT_ID = "sandbox-client-id";
export const DEFAULT_CLIENT_SECRET = "sandbox-client-secret";

export function buildConfig(options: SandboxOptions): SandboxConfig {
  return {
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    redirectUris: options.redirectUris ?? [],
    businesses: buildBusinesses(options.businesses ?? [{ name: "Demo Business" }]),
    identity: {
      id: 2192788,
      firstName: options.identity?.firstName ?? "Demo",
      lastName: options.identity?.lastName ?? "Owner",
      email: options.identity?.email ?? "owner@example.com",
    },
    clientLimit: options.clientLimit ?? null,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 43200,
    dialect: { ...DEFAULT_DIALECT, ...options.dialect },
    withheldScopes: [],
  };
}

/** A clock the tests control: a base time source plus an offset moved by advance(). */
export class SandboxClock {
  private offsetMs = 0;
  constructor(private source: () => Date) {}
  now(): Date {
    return new Date(this.source().getTime() + this.offsetMs);
  }
  nowMs(): number {
    return this.now().getTime();
  }
  set(source: () => Date): void {
    this.source = source;
    this.offsetMs = 0;
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface SandboxContext {
  config: SandboxConfig;
  data: SandboxData;
  clock: SandboxClock;
}

/** Unguessable opaque strings (tokens, codes); crypto, never Math.random. */
export function opaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString("hex");
}

export function findBusiness(context: SandboxContext, accountId: string): Business | undefined {
  return context.config.businesses.find((business) => business.accountId === accountId);
}
