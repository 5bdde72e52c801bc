import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { bindingCookie } from "../freshbooks/oauth-browser.server";
import { authorizeUrl } from "../freshbooks/oauth.server";
import { OAuthStateError, startOAuthState } from "../freshbooks/oauth-state.server";
import { logger } from "../logger.server";
import { messagePage } from "../components/message-page.server";

/**
 * Where "Connect FreshBooks" leaves the admin iframe to (top level): the browser receives the
 * cookie that binds the flow to it (docs/decisions/0009), then goes on to FreshBooks' authorize
 * page. Each state opens here once, within two minutes of the click that issued it.
 */
const AGAIN = "Open the app's Settings in your Shopify admin and click Connect FreshBooks again.";

const START_MESSAGES: Record<string, string> = {
  malformed: "This link is not a FreshBooks connection link from this app.",
  forged: "This connection link was not issued by this app, so it was refused.",
  expired: "This connection link has expired: it must be opened right after clicking Connect FreshBooks.",
  replayed: "This connection link was already opened. Each link works once, in the browser that clicked Connect FreshBooks.",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const state = new URL(request.url).searchParams.get("state");
  if (!state) return messagePage(400, "FreshBooks connection refused", `${START_MESSAGES.malformed} ${AGAIN}`);
  try {
    const now = new Date();
    const started = await startOAuthState(prisma, state, now);
    return new Response(null, {
      status: 302,
      headers: {
        Location: authorizeUrl(state),
        "Set-Cookie": bindingCookie(started.nonce, started.expiresAt, now),
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (!(error instanceof OAuthStateError)) throw error;
    logger.warn({ problem: error.problem }, "FreshBooks connect start refused");
    return messagePage(400, "FreshBooks connection refused", `${START_MESSAGES[error.problem] ?? START_MESSAGES.malformed} ${AGAIN}`);
  }
};
