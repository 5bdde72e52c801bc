import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import prisma from "../db.server";
import { adminAppUrl } from "../freshbooks/admin-url.server";
import { saveAuthorization } from "../freshbooks/connection.server";
import { FreshBooksError, FreshBooksTransientError } from "../freshbooks/errors";
import { exchangeCode } from "../freshbooks/oauth.server";
import { browserStartedFlow, clearedBindingCookie } from "../freshbooks/oauth-browser.server";
import { consumeOAuthState, OAuthStateError, verifyOAuthState, type StateProblem } from "../freshbooks/oauth-state.server";
import { markNeedsReconnect } from "../freshbooks/token-vault.server";
import { logger } from "../logger.server";
import { messagePage } from "../components/message-page.server";
import { CONNECTED_PARAM } from "../components/use-freshbooks-connect";

/**
 * FreshBooks sends the merchant back here (top level, outside the admin iframe) after they
 * approve. The signed, single-use state says which shop started it, and the binding cookie that
 * /freshbooks/connect set says this is the browser that started it (docs/decisions/0009);
 * nothing is stored unless both check out. A new connection then waits, pending, for the
 * merchant to confirm it in the app's settings page in their Shopify admin, where this sends them.
 */
const STATE_MESSAGES: Record<StateProblem, string> = {
  malformed: "This link is not a FreshBooks connection link from this app.",
  forged: "This connection link was not issued by this app, so it was refused.",
  expired: "This connection link has expired (links are valid for 10 minutes).",
  replayed: "This connection link was already used.",
  other_browser:
    "This FreshBooks approval did not come back to the browser that clicked Connect FreshBooks, so nothing was connected. " +
    "If you did not start connecting FreshBooks to a Shopify store yourself just now, someone may have sent you this link: you can ignore it.",
};

const AGAIN = "Open the app's Settings in your Shopify admin and click Connect FreshBooks again.";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const response = await answer(request);
  // The binding is single-use, like the state: whatever the outcome, the cookie goes.
  response.headers.append("Set-Cookie", clearedBindingCookie());
  return response;
};

async function answer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const state = url.searchParams.get("state");
  if (!state) return messagePage(400, "FreshBooks connection refused", `${STATE_MESSAGES.malformed} ${AGAIN}`);

  let shop: string;
  try {
    // Before the state is used up: a browser that did not start the flow cannot spend it either.
    if (!browserStartedFlow(request, verifyOAuthState(state).nonce)) throw new OAuthStateError("other_browser");
    shop = await consumeOAuthState(prisma, state);
  } catch (error) {
    if (!(error instanceof OAuthStateError)) throw error;
    logger.warn({ problem: error.problem }, "FreshBooks callback refused");
    return messagePage(400, "FreshBooks connection refused", `${STATE_MESSAGES[error.problem]} ${AGAIN}`);
  }

  const code = url.searchParams.get("code");
  if (!code) {
    const denied = url.searchParams.get("error");
    return messagePage(
      400,
      "FreshBooks was not connected",
      denied === "access_denied"
        ? `You declined access in FreshBooks. ${AGAIN}`
        : `FreshBooks did not send an authorization code. ${AGAIN}`,
      adminAppUrl(shop, "/app/settings"),
    );
  }

  try {
    let tokens;
    try {
      tokens = await exchangeCode(code);
    } catch (error) {
      // A timed-out or failed exchange may still have issued a pair at FreshBooks, which kills
      // the login's previous refresh token (docs/freshbooks-api.md §1): say so now rather than at the next refresh.
      if (error instanceof FreshBooksTransientError) {
        await markNeedsReconnect(prisma, shop, `Reconnecting FreshBooks did not finish (${error.message}). Click Reconnect to try again.`);
      }
      throw error;
    }
    // Keeps the new pair, or marks the connection, whatever goes wrong after the exchange.
    await saveAuthorization(shop, tokens, { db: prisma });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ shop, reason, kind: error instanceof FreshBooksError ? error.kind : "unknown" }, "FreshBooks connection failed");
    return messagePage(502, "FreshBooks could not be connected", `${reason} ${AGAIN}`, adminAppUrl(shop, "/app/settings"));
  }
  // The Settings page says "Connected to <business>" (or asks to confirm a new login).
  return redirect(adminAppUrl(shop, `/app/settings?${CONNECTED_PARAM}=1`));
}
