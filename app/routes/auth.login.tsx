import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Log in" }];

type LoginErrors = Awaited<ReturnType<typeof login>>;

function errorMessage(errors: LoginErrors | null): string | undefined {
  if (!errors || !("shop" in errors)) return undefined;
  if (errors.shop === LoginErrorType.MissingShop) return "Please enter your shop domain to log in.";
  if (errors.shop === LoginErrorType.InvalidShop) return "Please enter a valid shop domain to log in.";
  return undefined;
}

// Never call authenticate.admin here: /auth/login is where it sends unauthenticated requests.
export const loader = async ({ request }: LoaderFunctionArgs) => ({ error: errorMessage(await login(request)) });
export const action = async ({ request }: ActionFunctionArgs) => ({ error: errorMessage(await login(request)) });

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const error = actionData?.error ?? loaderData.error;
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 480, margin: "4rem auto" }}>
      <h1>Log in</h1>
      <Form method="post">
        <label>
          Shop domain <input type="text" name="shop" placeholder="my-shop.myshopify.com" autoComplete="on" />
        </label>{" "}
        <button type="submit">Log in</button>
        {error ? <p role="alert">{error}</p> : null}
      </Form>
    </main>
  );
}
