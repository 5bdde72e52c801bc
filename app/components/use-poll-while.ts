import { useEffect, useRef } from "react";
import { useRevalidator } from "@remix-run/react";

export const POLL_FIRST_MS = 2000;
export const POLL_MAX_MS = 30_000;

/**
 * Reloads the page's data (not the page) while `active`: first after 2 s, then 1.5× later each
 * time up to 30 s, so a long queue is not re-read every 2 s. Nothing while the tab is hidden;
 * back to the page at once, and to 2 s, when it is shown again or when `changeKey` (what the
 * page shows) changes. `active` should mean "something will change soon" (an order syncing or
 * due), not merely "something is queued".
 */
export function usePollWhile(active: boolean, changeKey = ""): void {
  const revalidator = useRevalidator();
  const revalidatorRef = useRef(revalidator);
  revalidatorRef.current = revalidator;

  useEffect(() => {
    if (!active) return;
    let delay = POLL_FIRST_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      if (document.visibilityState === "hidden") return;
      timer = setTimeout(() => {
        if (revalidatorRef.current.state === "idle") revalidatorRef.current.revalidate();
        delay = Math.min(Math.round(delay * 1.5), POLL_MAX_MS);
        schedule();
      }, delay);
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") return clearTimeout(timer);
      delay = POLL_FIRST_MS;
      if (revalidatorRef.current.state === "idle") revalidatorRef.current.revalidate();
      schedule();
    };
    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [active, changeKey]);
}
