import { useEffect } from "react";
import { useFetcher, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";

/** The query parameter the FreshBooks callback adds to the Settings URL it sends the merchant back to. */
export const CONNECTED_PARAM = "freshbooks_connected";

/**
 * Back from FreshBooks (the callback's `?freshbooks_connected=1`): a connection that is live at once
 * (a Reconnect with the same login) is announced with a toast; a new one waits on the page for
 * the merchant's confirmation, which says "Connected to …" itself. The parameter then goes, so a
 * reload says nothing again.
 */
export function useConnectedToast(connection: { status: string; businessName?: string | null } | null): void {
  const shopify = useAppBridge();
  const [params, setParams] = useSearchParams();
  const back = params.get(CONNECTED_PARAM) !== null;
  useEffect(() => {
    if (!back) return;
    if (connection?.status === "connected")
      shopify.toast.show(connection.businessName ? `Connected to ${connection.businessName}` : "FreshBooks connected");
    setParams(
      (current) => {
        current.delete(CONNECTED_PARAM);
        return current;
      },
      { replace: true, preventScrollReset: true },
    );
  }, [back]);
}

/**
 * Starts the FreshBooks OAuth flow: the server issues a signed state, and the page leaves the
 * admin iframe at the top level (FreshBooks cannot be framed) for our /freshbooks/connect, which
 * binds the flow to this browser with a cookie and goes on to FreshBooks (docs/decisions/0009).
 */
export function useFreshBooksConnect() {
  const fetcher = useFetcher<{ connectUrl?: string }>();
  const connectUrl = fetcher.data?.connectUrl;
  useEffect(() => {
    if (connectUrl) window.open(connectUrl, "_top");
  }, [connectUrl]);
  return {
    busy: fetcher.state !== "idle" || Boolean(connectUrl),
    connect: () => fetcher.submit({ intent: "connect" }, { method: "POST", action: "/app/settings" }),
  };
}
