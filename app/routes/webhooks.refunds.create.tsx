import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveLifecycleWebhook } from "../sync/lifecycle/intake.server";

/** REFUNDS_CREATE: stored as an order event with its own job, processed in the order's queue (docs/decisions/0016-order-lifecycle.md). */
export const action = async ({ request }: ActionFunctionArgs) => receiveLifecycleWebhook(request, "REFUNDS_CREATE");
