import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/intake.server";
import { appUninstalled } from "../webhooks/topics/app-uninstalled.server";

/** app/uninstalled through Remix (the web server's hot path serves it first: app/webhooks/hot-path.server.ts); the handler is one: see ../webhooks/topics/app-uninstalled.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, appUninstalled);
