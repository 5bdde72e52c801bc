import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";

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
