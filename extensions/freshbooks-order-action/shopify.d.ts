// What the Shopify CLI generates (it rewrites this file on `shopify app dev` / `build`): the
// `shopify` global typed for this module's target.
import "@shopify/ui-extensions";

declare module "./src/OrderAction.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.action.render").Api;
  const globalThis: { shopify: typeof shopify };
}
