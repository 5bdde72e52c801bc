/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { fetchOrderState, money, syncAgain, type OrderState, type SyncOutcome } from "../../shared/backend";

/**
 * The FreshBooks block on Shopify's order page (admin.order-details.block.render): the order's
 * sync state in the sync log's words and tone, the invoice number with its link, the tie-out,
 * the payment, and the plain-words reason with Retry, or Send to FreshBooks for an order a
 * filter skipped. Nothing personal: the order page shows the customer already.
 */
export default async () => {
  render(<OrderBlock />, document.body);
};

type View = { kind: "loading" } | { kind: "error" } | { kind: "not_found" } | { kind: "order"; order: OrderState };

/** While the order is queued or syncing, the block looks again this often, at most POLL_LIMIT times. */
const POLL_INTERVAL_MS = 2_000;
const POLL_LIMIT = 60;
const waiting = (order: OrderState) => order.status === "queued" || order.status === "syncing";

const t = (key: string, replacements?: Record<string, string>) => String(shopify.i18n.translate(key, replacements));

function OrderBlock() {
  const orderGid = shopify.data.selected[0]?.id ?? "";
  const [view, setView] = useState<View>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<SyncOutcome | "failed" | null>(null);

  // Only the latest follow-up runs (a click starts a new one; closing the page ends it).
  const generation = useRef(0);
  useEffect(() => () => void (generation.current += 1), []);

  /** A queued or syncing order changes soon (after Retry / Send, too): show it when it does. */
  const follow = useCallback(
    async (start: OrderState) => {
      const mine = ++generation.current;
      let order: OrderState | null = start;
      for (let poll = 0; order && waiting(order) && poll < POLL_LIMIT; poll++) {
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
        if (generation.current !== mine) return;
        try {
          order = await fetchOrderState(shopify.auth, orderGid);
        } catch {
          continue; // the next look may work; the page still shows the last known state
        }
        if (generation.current !== mine) return;
        setView(order ? { kind: "order", order } : { kind: "not_found" });
      }
    },
    [orderGid],
  );

  const load = useCallback(async () => {
    setView({ kind: "loading" });
    try {
      const order = await fetchOrderState(shopify.auth, orderGid);
      setView(order ? { kind: "order", order } : { kind: "not_found" });
      if (order) void follow(order);
    } catch {
      setView({ kind: "error" });
    }
  }, [orderGid, follow]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async () => {
    setBusy(true);
    try {
      const [result] = await syncAgain(shopify.auth, [orderGid]);
      setOutcome(result?.outcome ?? "failed");
      if (result?.state) {
        setView({ kind: "order", order: result.state });
        void follow(result.state);
      }
    } catch {
      setOutcome("failed");
    } finally {
      setBusy(false);
    }
  };

  if (view.kind === "loading") {
    return (
      <s-admin-block heading={t("heading")}>
        <s-stack direction="inline" gap="small" alignItems="center">
          <s-spinner accessibilityLabel={t("loading")} />
          <s-text>{t("loading")}</s-text>
        </s-stack>
      </s-admin-block>
    );
  }
  if (view.kind === "error") {
    return (
      <s-admin-block heading={t("heading")}>
        <s-banner tone="critical" heading={t("error.title")}>
          <s-paragraph>{t("error.body")}</s-paragraph>
          <s-button slot="secondary-actions" onClick={() => void load()}>
            {t("error.tryAgain")}
          </s-button>
        </s-banner>
      </s-admin-block>
    );
  }
  if (view.kind === "not_found") {
    return (
      <s-admin-block heading={t("heading")}>
        <s-paragraph>{t("notFound")}</s-paragraph>
      </s-admin-block>
    );
  }

  const { order } = view;
  const summary = order.invoice ? `${order.label} · ${order.invoice.number}` : order.label;
  return (
    <s-admin-block heading={t("heading")} collapsedSummary={summary}>
      <s-stack direction="block" gap="base">
        <s-stack direction="inline" gap="small" alignItems="center">
          <s-badge tone={order.tone}>{order.label}</s-badge>
          {order.status === "queued" || order.status === "syncing" ? <s-text color="subdued">{t("waiting")}</s-text> : null}
        </s-stack>

        {order.status === "skipped" ? <s-paragraph>{t("skipped", { filter: order.skippedBy ?? "" })}</s-paragraph> : null}
        {order.reason && order.status !== "skipped" ? (
          <s-banner
            tone={
              order.status === "failed" || order.status === "needs_reconnect"
                ? "critical"
                : order.status === "synced_with_difference"
                  ? "warning"
                  : "info"
            }
          >
            <s-paragraph>{order.reason}</s-paragraph>
          </s-banner>
        ) : null}

        {order.status !== "skipped" ? <Details order={order} /> : null}

        {outcome ? (
          <s-banner tone={outcome === "failed" || outcome === "not_found" ? "critical" : "success"}>
            <s-paragraph>{t(`outcome.${outcome}`)}</s-paragraph>
          </s-banner>
        ) : null}

        <s-stack direction="inline" gap="base" alignItems="center">
          {order.canRetry ? (
            <s-button variant="primary" loading={busy} disabled={busy} onClick={() => void act()}>
              {t("retry")}
            </s-button>
          ) : null}
          {order.canSend ? (
            <s-button variant="primary" loading={busy} disabled={busy} onClick={() => void act()}>
              {t("send")}
            </s-button>
          ) : null}
          <s-link href={order.syncLogUrl} target="_top">
            {t("openSyncLog")}
          </s-link>
        </s-stack>
      </s-stack>
    </s-admin-block>
  );
}

function Details({ order }: { order: OrderState }) {
  const { tieOut, payment } = order;
  const paymentText = payment.recorded ? t("paymentRecorded") : payment.recordingOn ? t("paymentNotRecorded") : t("paymentRecordingOff");
  return (
    <s-stack direction="block" gap="small-200">
      <Row label={t("invoice")}>
        {order.invoice?.url ? (
          <s-link href={order.invoice.url} target="_blank">
            {order.invoice.number}
          </s-link>
        ) : (
          <s-text>{order.invoice?.number ?? t("invoiceNotCreated")}</s-text>
        )}
      </Row>
      <Row label={t("shopifyTotal")}>
        <s-text>{money(tieOut.shopifyTotal, tieOut.currency)}</s-text>
      </Row>
      <Row label={t("freshbooksTotal")}>
        <s-text>{tieOut.freshbooksTotal ? money(tieOut.freshbooksTotal, tieOut.currency) : "—"}</s-text>
      </Row>
      {tieOut.freshbooksTotal ? (
        <Row label={t("difference")}>
          <s-text tone={tieOut.difference ? "critical" : "auto"}>
            {tieOut.difference ? money(tieOut.difference, tieOut.currency) : t("noDifference")}
          </s-text>
        </Row>
      ) : null}
      <Row label={t("payment")}>
        <s-text>{paymentText}</s-text>
      </Row>
    </s-stack>
  );
}

function Row({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <s-stack direction="inline" gap="small" justifyContent="space-between">
      <s-text color="subdued">{label}</s-text>
      {children}
    </s-stack>
  );
}
