/** /__sandbox/… : the JSON control plane for Playwright and for a sandbox in another process. */
import { z } from "zod";
import type { BusinessConfig } from "./state";
import { partialDialectSchema, type Dialect } from "./dialect";
import type { FaultControl } from "./faults";
import { json, type SandboxResponse } from "./http";

const pathPattern = z.string().min(1);

const faultSpecSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("status"),
    status: z.number().int().min(400).max(599),
    retryAfter: z.union([z.number().int().nonnegative(), z.string()]).optional(),
    body: z.enum(["json", "html"]).optional(),
  }),
  z.object({ kind: z.literal("timeout"), afterHandling: z.boolean().optional() }),
  z.object({ kind: z.literal("reset"), afterHandling: z.boolean().optional() }),
  z.object({
    kind: z.literal("errors-in-200"),
    errors: z
      .array(
        z.object({
          errno: z.number().int(),
          message: z.string(),
          field: z.string().optional(),
          object: z.string().optional(),
          value: z.string().optional(),
        }),
      )
      .optional(),
  }),
]);

const latencySchema = z.object({ ms: z.number().int().nonnegative(), path: pathPattern.optional(), afterHandling: z.boolean().optional() });

export const faultsBodySchema = z.object({
  /** Applied first: drop every fault. */
  clear: z.boolean().optional(),
  latency: z.union([latencySchema, z.array(latencySchema)]).optional(),
  enqueue: z
    .array(
      z.object({
        method: z.string().optional(),
        path: pathPattern.optional(),
        times: z.number().int().positive().optional(),
        forMs: z.number().int().positive().optional(),
        fault: faultSpecSchema,
      }),
    )
    .optional(),
  random: z
    .object({
      rate: z.number().min(0).max(1),
      seed: z.number().int(),
      kinds: z.array(z.enum(["500", "502", "503", "timeout"])).optional(),
      path: pathPattern.optional(),
    })
    .nullable()
    .optional(),
  rateLimit: z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() }).nullable().optional(),
  errorFormat: z.enum(["classic", "new"]).optional(),
  expireAccessTokens: z.boolean().optional(),
});

export const businessSchema = z.object({
  name: z.string().min(1),
  accountId: z.string().min(1).nullable().optional(),
  businessId: z.number().int().positive().optional(),
  foreign: z.boolean().optional(),
});

export const configBodySchema = z.object({
  clientLimit: z.number().int().nonnegative().nullable().optional(),
  businesses: z.array(businessSchema).min(1).optional(),
  /** Scopes refused even when granted: the login lost a permission. */
  withheldScopes: z.array(z.string()).optional(),
});

/** The JSON file `main.ts` reads: SandboxOptions without the clock. */
export const optionsFileSchema = z.object({
  port: z.number().int().nonnegative().optional(),
  host: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  redirectUris: z.array(z.string()).optional(),
  businesses: z.array(businessSchema).min(1).optional(),
  identity: z.object({ firstName: z.string(), lastName: z.string(), email: z.string() }).optional(),
  clientLimit: z.number().int().nonnegative().nullable().optional(),
  accessTokenTtlSeconds: z.number().int().positive().optional(),
  dialect: partialDialectSchema.optional(),
});

const clockBodySchema = z.object({ advanceSeconds: z.number().optional(), set: z.iso.datetime({ offset: true }).optional() });

export interface ControlTarget {
  faults: FaultControl;
  state(): unknown;
  reset(): void;
  revokeAllTokens(): void;
  advanceClock(seconds: number): void;
  setClock(now: () => Date): void;
  now(): Date;
  configure(config: { clientLimit?: number | null; businesses?: BusinessConfig[]; withheldScopes?: string[] }): void;
  setDialect(dialect: Partial<Dialect>): Dialect;
  dialect(): Dialect;
}

function parseJson(raw: string): unknown {
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function invalid(issues: unknown): SandboxResponse {
  return json(400, { error: "invalid_request", issues });
}

export function applyFaults(faults: FaultControl, body: z.infer<typeof faultsBodySchema>): void {
  if (body.clear) faults.clear();
  const latencies = body.latency === undefined ? [] : Array.isArray(body.latency) ? body.latency : [body.latency];
  for (const latency of latencies) faults.setLatency(latency.ms, latency.path, latency.afterHandling);
  if (body.enqueue) faults.enqueue(...body.enqueue);
  if (body.random !== undefined) faults.setRandom(body.random);
  if (body.rateLimit !== undefined) faults.setRateLimit(body.rateLimit);
  if (body.errorFormat) faults.setErrorFormat(body.errorFormat);
  if (body.expireAccessTokens) faults.expireAccessTokens();
}

export function handleControl(target: ControlTarget, method: string, path: string, raw: string): SandboxResponse {
  const route = `${method} ${path.replace(/\/$/, "")}`;
  const body = parseJson(raw);
  switch (route) {
    case "GET /__sandbox/health":
      return json(200, { ok: true });
    case "GET /__sandbox/state":
      return json(200, target.state());
    case "GET /__sandbox/faults":
      return json(200, target.faults.snapshot());
    case "POST /__sandbox/faults": {
      const parsed = faultsBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      applyFaults(target.faults, parsed.data);
      return json(200, target.faults.snapshot());
    }
    case "POST /__sandbox/reset":
      target.reset();
      return json(200, { ok: true });
    case "POST /__sandbox/revoke-tokens":
      target.revokeAllTokens();
      return json(200, { ok: true });
    case "POST /__sandbox/clock": {
      const parsed = clockBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      if (parsed.data.set) {
        const fixed = new Date(parsed.data.set);
        target.setClock(() => fixed);
      }
      if (parsed.data.advanceSeconds) target.advanceClock(parsed.data.advanceSeconds);
      return json(200, { now: target.now().toISOString() });
    }
    case "POST /__sandbox/config": {
      const parsed = configBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      target.configure(parsed.data);
      return json(200, { ok: true });
    }
    case "GET /__sandbox/dialect":
      return json(200, target.dialect());
    case "POST /__sandbox/dialect": {
      // Any subset of the switches (docs/freshbooks-api.md §14); unknown names or values are a 400.
      const parsed = partialDialectSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues);
      return json(200, target.setDialect(parsed.data));
    }
    default:
      return json(404, { error: "not_found", message: `No sandbox control route ${route}` });
  }
}
