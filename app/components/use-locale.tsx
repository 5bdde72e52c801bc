import { useSyncExternalStore } from "react";
import { useRouteLoaderData } from "@remix-run/react";
import type { loader as appLoader } from "../routes/app";
import { formatDateTime, formatShortDateTime } from "./format";

/** The merchant's locale, from the embedded layout (the admin's `locale`, else the browser's). */
export function useLocale(): string {
  return useRouteLoaderData<typeof appLoader>("routes/app")?.locale ?? "en";
}

const subscribe = () => () => {};

/** False while the server renders and the browser hydrates, true after: the two must match. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

/** A moment in the merchant's locale and time zone (UTC until hydrated: the server has no time zone of theirs). */
export function DateTime({ iso, short = false }: { iso: string; short?: boolean }) {
  const locale = useLocale();
  const hydrated = useHydrated();
  const timeZone = hydrated ? undefined : "UTC";
  return (
    <time
      dateTime={iso}
      title={short ? formatDateTime(iso, locale, timeZone) : undefined}
      style={short ? { whiteSpace: "nowrap" } : undefined}
    >
      {short ? formatShortDateTime(iso, locale, timeZone) : formatDateTime(iso, locale, timeZone)}
    </time>
  );
}
