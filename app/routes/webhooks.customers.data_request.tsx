import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/intake.server";
import { customersDataRequest } from "../webhooks/topics/privacy.server";

/** customers/data_request through Remix (the web server's hot path serves it first: app/webhooks/hot-path.server.ts); the handler is one: see ../webhooks/topics/privacy.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, customersDataRequest);
