/**
 * The named steps of an order's sync (docs/decisions/0008). A step's failure carries its name,
 * so the error policy (decide, ./error-policy.ts) words it for the step that failed.
 */
import type { OrderSync, Prisma, PrismaClient } from "@prisma/client";
import type { FreshBooksClient } from "../freshbooks/client.server";
import type { Settings } from "../models/settings.server";
import type { MappedOrder } from "./mapping";

export type SyncStep = "client" | "invoice" | "payment" | "email";

/** What every step of one attempt works with (built once by the pipeline, never changed by a step). */
export interface StepContext {
  db: PrismaClient;
  fb: FreshBooksClient;
  /** The order, claimed: every write of the attempt goes through it (app/models/order-claim.server.ts). */
  where: Prisma.OrderSyncWhereUniqueInput;
  now: () => Date;
  /** The order's row as read once claimed: what earlier attempts recorded (intent, invoice, payment). */
  row: OrderSync;
  mapped: MappedOrder;
  /** The shop's settings (the invoice number prefix: a change of it means the next number could be taken). */
  settings: Settings;
}

/** A step failed: `step` names it, `cause` is what it threw (a FreshBooks error, a refusal, a bug). */
export class StepFailed extends Error {
  constructor(
    readonly step: SyncStep,
    override readonly cause: unknown,
  ) {
    super(`the ${step} step failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "StepFailed";
  }
}

/**
 * Runs one step: whatever it throws becomes a StepFailed naming it. A StepFailed from a step run
 * inside it (the client restored within the invoice step) keeps its own, inner name.
 */
export async function step<T>(name: SyncStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof StepFailed ? error : new StepFailed(name, error);
  }
}
