import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { dataRequestExport } from "../privacy/compliance.server";
import { authenticate } from "../shopify.server";

/**
 * A customer data request's export, as a JSON download for the merchant to pass on to the
 * customer (Shopify's customers/data_request). Only the shop's own requests: another shop's id,
 * or one whose customer has since been redacted, is a 404.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });
  if (!/^\d{1,18}$/.test(id)) return notFound();
  const data = await dataRequestExport(prisma, session.shop, BigInt(id));
  if (data === null) return notFound();
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="customer-data-request-${id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
