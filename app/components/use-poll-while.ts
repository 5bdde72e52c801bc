import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Reloads the page's data every 2 s while `active` (orders in flight), without a page reload. */
export function usePollWhile(active: boolean): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}
