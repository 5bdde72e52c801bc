/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { SyncAction } from "../../shared/SyncAction";

/** The order page's action (admin.order-details.action.render): the order on screen. */
export default async () => {
  render(<SyncAction api={shopify} />, document.body);
};
