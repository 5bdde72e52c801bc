import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "../db.server";
import { env } from "../env.server";
import { MAX_SELECTED_ORDERS, syncOrdersAgain } from "../models/extension-order.server";
import { authenticate } from "../shopify.server";

/**
 * "Send to FreshBooks" / "Sync again" from the order actions (extensions/freshbooks-order-action):
 * POST `{"orderIds": ["gid://shopify/Order/1", …]}` (the extension's `data.selected`). Each
 * order gets an outcome; an order that is not this shop's is "not_found" like an unknown one,
 * so nothing is said about other shops. The loader answers the CORS preflight (OPTIONS).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticate.admin(request);
  return cors(Response.json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } }));
};

const bodySchema = z.object({ orderIds: z.array(z.string().max(64)).min(1).max(MAX_SELECTED_ORDERS) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  if (request.method !== "POST") return cors(Response.json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } }));
  const body = bodySchema.safeParse(await request.json().catch(() => null));
  if (!body.success) {
    const message = `Send {"orderIds": [...]} with 1 to ${MAX_SELECTED_ORDERS} Shopify order ids.`;
    return cors(Response.json({ error: "bad_request", message }, { status: 400 }));
  }
  const results = await syncOrdersAgain(prisma, session.shop, body.data.orderIds, env.FRESHBOOKS_WEB_URL);
  return cors(Response.json({ results }, { headers: { "Cache-Control": "no-store" } }));
};
