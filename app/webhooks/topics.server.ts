import { LIFECYCLE_WEBHOOKS } from "../sync/lifecycle/intake.server";
import type { WebhookTopic } from "./intake.server";
import { appScopesUpdate } from "./topics/app-scopes-update.server";
import { appUninstalled } from "./topics/app-uninstalled.server";
import { ordersCreate } from "./topics/orders-create.server";
import { customersDataRequest, customersRedact, shopRedact } from "./topics/privacy.server";

/**
 * The topics the hot path (./hot-path.server.ts) serves before Remix, at /webhooks/<topic>. A new
 * topic: its handler with defineWebhook (app/webhooks/topics/<name>.server.ts), its Remix route
 * (`export const action = ({ request }) => receiveWebhook(request, handler)`, for the library's
 * routing and the tests), and ONE line here. A topic missing here still works, through Remix.
 */
export const HOT_TOPICS: readonly WebhookTopic[] = [
  ordersCreate,
  appUninstalled,
  appScopesUpdate,
  customersDataRequest,
  customersRedact,
  shopRedact,
  ...Object.values(LIFECYCLE_WEBHOOKS),
];
