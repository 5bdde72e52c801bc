import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/intake.server";
import { appScopesUpdate } from "../webhooks/topics/app-scopes-update.server";

/** app/scopes_update through Remix (the web server's hot path serves it first: app/webhooks/hot-path.server.ts); the handler: ../webhooks/topics/app-scopes-update.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, appScopesUpdate);
