import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { env } from "../env.server";
import { extensionOrderState, syncOrdersAgain } from "../models/extension-order.server";
import { authenticate } from "../shopify.server";

/**
 * The order block on Shopify's order page (extensions/freshbooks-order-block): the order's
 * FreshBooks state (GET), and its Retry / Send to FreshBooks (POST). The extension sends the
 * session token as a Bearer header; authenticate.admin checks it, answers the CORS preflight
 * (OPTIONS runs this loader) and gives the shop every query is scoped to. Another shop's order
 * is a 404, exactly like an order that is not in the sync log.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const state = await extensionOrderState(prisma, session.shop, decodeURIComponent(params.orderId ?? ""), env.FRESHBOOKS_WEB_URL);
  if (!state) return cors(notFound());
  return cors(Response.json({ order: state }, { headers: { "Cache-Control": "no-store" } }));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  if (request.method !== "POST")
    return cors(Response.json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "GET, POST" } }));
  const [result] = await syncOrdersAgain(prisma, session.shop, [decodeURIComponent(params.orderId ?? "")], env.FRESHBOOKS_WEB_URL);
  if (!result || result.outcome === "not_found") return cors(notFound());
  return cors(Response.json({ outcome: result.outcome, order: result.state }, { headers: { "Cache-Control": "no-store" } }));
};

function notFound(): Response {
  return Response.json(
    { error: "not_found", message: "This order is not in the FreshBooks sync log." },
    { status: 404, headers: { "Cache-Control": "no-store" } },
  );
}
