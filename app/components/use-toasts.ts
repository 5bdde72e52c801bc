import { useEffect } from "react";
import { useAppBridge } from "@shopify/app-bridge-react";

type ToastData = { message?: string; toast?: string; error?: string } | undefined;

/**
 * One toast per completed submission: a fetcher's `data` is a new object each time it
 * completes, so the effect runs once per answer (and never again for an older one).
 */
export function useToasts(data: ToastData): void {
  const shopify = useAppBridge();
  useEffect(() => {
    if (!data) return;
    const message = data.message ?? data.toast;
    if (message) shopify.toast.show(message);
    if (data.error) shopify.toast.show(data.error, { isError: true });
  }, [data, shopify]);
}
