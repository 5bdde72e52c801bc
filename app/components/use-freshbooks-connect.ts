import { useEffect } from "react";
import { useFetcher } from "@remix-run/react";

/**
 * Starts the FreshBooks OAuth flow: the server issues a signed state and the authorize URL, and
 * the page leaves the admin iframe for it at the top level (FreshBooks cannot be framed).
 */
export function useFreshBooksConnect() {
  const fetcher = useFetcher<{ authorizeUrl?: string }>();
  const authorizeUrl = fetcher.data?.authorizeUrl;
  useEffect(() => {
    if (authorizeUrl) window.open(authorizeUrl, "_top");
  }, [authorizeUrl]);
  return {
    busy: fetcher.state !== "idle" || Boolean(authorizeUrl),
    connect: () => fetcher.submit({ intent: "connect" }, { method: "POST", action: "/app/settings" }),
  };
}
