import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/intake.server";
import { ordersCreate } from "../webhooks/topics/orders-create.server";

/** orders/create through Remix (the web server's hot path serves it first: app/webhooks/hot-path.server.ts); the handler is one: see ../webhooks/topics/orders-create.server.ts. */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, ordersCreate);
