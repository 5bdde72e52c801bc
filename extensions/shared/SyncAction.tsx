/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import { fetchOrderState, syncAgain, type OrderState, type SyncOutcome, type SyncResult } from "./backend";

/**
 * "Send to FreshBooks" / "Sync again" for the order on screen (order details action) or the
 * orders selected in the order list (selection action), with the outcome shown. The backend
 * decides per order: a skipped order is sent despite its filter, a failed one retried, a
 * synced one left alone (never a second invoice).
 */
export interface ActionApi {
  data: { selected: { id: string }[] };
  auth: { idToken(): Promise<string | null> };
  i18n: { translate(key: string, replacements?: Record<string, unknown>): unknown };
  close(): void;
}

type Before = { kind: "loading" } | { kind: "one"; order: OrderState | null } | { kind: "many" } | { kind: "error" };

export function SyncAction({ api }: { api: ActionApi }) {
  const t = (key: string, replacements?: Record<string, unknown>) => String(api.i18n.translate(key, replacements));
  const ids = api.data.selected.map((entry) => entry.id);
  const [before, setBefore] = useState<Before>(ids.length === 1 ? { kind: "loading" } : { kind: "many" });
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<SyncResult[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (ids.length !== 1) return;
    fetchOrderState(api.auth, ids[0]!)
      .then((order) => setBefore({ kind: "one", order }))
      .catch(() => setBefore({ kind: "error" }));
    // The selection is fixed while the action is open.
  }, []);

  const run = async () => {
    setBusy(true);
    setFailed(false);
    try {
      setResults(await syncAgain(api.auth, ids));
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  const one = before.kind === "one" ? before.order : null;
  const actionable = before.kind === "many" || before.kind === "error" || Boolean(one && (one.canRetry || one.canSend));
  const label = one?.canSend ? t("send") : ids.length > 1 ? t("syncMany", { count: ids.length }) : t("syncAgain");

  return (
    <s-admin-action heading={t("heading")} loading={before.kind === "loading"}>
      <s-stack direction="block" gap="base">
        {results ? <Outcome results={results} t={t} /> : <Intro before={before} count={ids.length} t={t} />}
        {failed ? (
          <s-banner tone="critical">
            <s-paragraph>{t("requestFailed")}</s-paragraph>
          </s-banner>
        ) : null}
      </s-stack>
      {results ? (
        <s-button slot="primary-action" variant="primary" onClick={() => api.close()}>
          {t("done")}
        </s-button>
      ) : (
        <s-button
          slot="primary-action"
          variant="primary"
          loading={busy}
          disabled={busy || !actionable || ids.length === 0}
          onClick={() => void run()}
        >
          {label}
        </s-button>
      )}
      {results ? null : (
        <s-button slot="secondary-actions" onClick={() => api.close()}>
          {t("cancel")}
        </s-button>
      )}
    </s-admin-action>
  );
}

type T = (key: string, replacements?: Record<string, unknown>) => string;

function Intro({ before, count, t }: { before: Before; count: number; t: T }) {
  if (before.kind === "loading") return <s-paragraph>{t("loading")}</s-paragraph>;
  if (before.kind === "many") return <s-paragraph>{t("introMany", { count })}</s-paragraph>;
  if (before.kind === "error") return <s-paragraph>{t("introUnknown")}</s-paragraph>;
  const order = before.order;
  if (!order) return <s-paragraph>{t("outcome.not_found")}</s-paragraph>;
  return (
    <s-stack direction="block" gap="small">
      <s-stack direction="inline" gap="small" alignItems="center">
        <s-badge tone={order.tone}>{order.label}</s-badge>
        {order.invoice ? <s-text>{order.invoice.number}</s-text> : null}
      </s-stack>
      {order.status === "skipped" ? <s-paragraph>{t("skipped", { filter: order.skippedBy ?? "" })}</s-paragraph> : null}
      {order.reason && order.status !== "skipped" ? <s-paragraph>{order.reason}</s-paragraph> : null}
      {!order.canRetry && !order.canSend ? <s-paragraph>{t("nothingToDo")}</s-paragraph> : null}
    </s-stack>
  );
}

const OUTCOMES: SyncOutcome[] = ["queued", "sent", "unchanged", "not_found"];

function Outcome({ results, t }: { results: SyncResult[]; t: T }) {
  const counts = OUTCOMES.map((outcome) => ({ outcome, count: results.filter((result) => result.outcome === outcome).length })).filter(
    (entry) => entry.count > 0,
  );
  return (
    <s-banner tone={counts.some((entry) => entry.outcome === "queued" || entry.outcome === "sent") ? "success" : "info"}>
      <s-stack direction="block" gap="small-200">
        {counts.map(({ outcome, count }) => (
          <s-paragraph key={outcome}>{t(`result.${outcome}`, { count })}</s-paragraph>
        ))}
      </s-stack>
    </s-banner>
  );
}
