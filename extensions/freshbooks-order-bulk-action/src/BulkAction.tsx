/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { SyncAction } from "../../shared/SyncAction";

/** The order list's bulk action (admin.order-index.selection-action.render): the selected orders. */
export default async () => {
  render(<SyncAction api={shopify} />, document.body);
};
