import type { LoaderFunctionArgs } from "@remix-run/node";
import { demoOrderPage } from "../dev/demo/order-page.server";

/** The demo's order page with the FreshBooks block (app/dev/demo/order-page.server.ts). 404 unless demo mode is on. */
export const loader = async ({ request }: LoaderFunctionArgs) => demoOrderPage(new URL(request.url));
