import { demoOrderBlockScript } from "../dev/demo/order-page.server";

/** The order block extension bundled for the demo's order page. 404 unless demo mode is on. */
export const loader = async () => demoOrderBlockScript();
