import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "FreshBooks Sync for Shopify" }];

/** Public landing page. Opened from the Shopify admin (with ?shop=), it goes straight to the app. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>FreshBooks Sync for Shopify</h1>
      <p>
        Every new Shopify order becomes a FreshBooks invoice for the right client: instantly, once, and to the cent. Install the app from
        your Shopify admin, or enter your shop domain to log in.
      </p>
      <Form method="post" action="/auth/login">
        <label>
          Shop domain <input type="text" name="shop" placeholder="my-shop.myshopify.com" />
        </label>{" "}
        <button type="submit">Log in</button>
      </Form>
    </main>
  );
}
