import { intakeIdle } from "../../app/webhooks/order-intake.server";

/**
 * A webhook's answer, once what it started in this process is done: an orders/create's order is
 * recorded (sync record, job) by the intake recorder just after the 200 (docs/decisions/0019), as
 * the merchant finds it a moment later.
 */
export async function received<T>(answer: Promise<T>): Promise<T> {
  const response = await answer;
  await intakeIdle();
  return response;
}
