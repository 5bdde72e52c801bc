import type { Tone } from "./state-words";

/**
 * Why an order is where it is, in our own words: what happened and what to do. The pipeline
 * records a cause code (order_sync.status_cause) beside FreshBooks' or OAuth's original text
 * (status_detail); the pages word the cause from this table and show the original text only
 * under "Details". The sync log groups failed orders by cause, each group with its fix.
 *
 * Shared by the server, the browser and the demo: no *.server imports.
 */
export const CAUSES = {
  // Waiting: nothing to do.
  rate_limited: {
    what: "FreshBooks asked us to slow down.",
    fix: "Nothing to do: the order syncs automatically in a moment.",
    action: "none",
    tone: "info",
  },
  freshbooks_busy: {
    what: "FreshBooks was busy with another change to the same record.",
    fix: "Nothing to do: the order syncs automatically in a moment.",
    action: "none",
    tone: "info",
  },
  freshbooks_unavailable: {
    what: "FreshBooks did not answer.",
    fix: "Nothing to do: we try again automatically.",
    action: "none",
    tone: "info",
  },
  paused: {
    what: "Syncing is paused: the app is not installed in this shop.",
    fix: "The order syncs once the app is installed again.",
    action: "none",
    tone: "warning",
  },
  // The merchant reconnects; the orders then sync by themselves.
  reconnect: {
    what: "FreshBooks no longer accepts this app's access.",
    fix: "Reconnect FreshBooks; the orders that waited then sync by themselves.",
    action: "reconnect",
    tone: "critical",
  },
  missing_permission: {
    what: "FreshBooks did not give this app a permission it needs.",
    fix: "Reconnect FreshBooks and allow everything it asks for; the orders that waited then sync by themselves.",
    action: "reconnect",
    tone: "critical",
  },
  // Fix something, then Retry.
  client_limit: {
    what: "Your FreshBooks plan's limit on clients is reached.",
    fix: "Choose “One shared client for all orders” in Settings (or upgrade your FreshBooks plan), then Retry.",
    action: "settings",
    tone: "critical",
  },
  invoice_number_taken: {
    what: "FreshBooks already has an invoice with this number for another client.",
    fix: "Change the invoice number prefix in Settings, then Retry.",
    action: "settings",
    tone: "critical",
  },
  permission_denied: {
    what: "FreshBooks refused: the FreshBooks user who connected the app may not do this.",
    fix: "Ask the FreshBooks account owner to connect the app (or to give that user the permission), then Retry.",
    action: "retry",
    tone: "critical",
  },
  client_refused: {
    what: "FreshBooks did not accept the customer as a client.",
    fix: "Check the customer's name, email and address in Shopify (Details says what FreshBooks objected to), then Retry.",
    action: "retry",
    tone: "critical",
  },
  invoice_refused: {
    what: "FreshBooks did not accept the invoice.",
    fix: "Details says what FreshBooks objected to; correct it in Shopify or in Settings, then Retry.",
    action: "retry",
    tone: "critical",
  },
  payment_refused: {
    what: "The invoice was created, but FreshBooks did not accept its payment.",
    fix: "Details says what FreshBooks objected to; correct it, then Retry (the invoice is not created twice).",
    action: "retry",
    tone: "critical",
  },
  gave_up: {
    what: "FreshBooks kept failing, so automatic retries stopped.",
    fix: "Retry once FreshBooks works again; Details has its last answer.",
    action: "retry",
    tone: "critical",
  },
  order_unreadable: {
    what: "Shopify's order could not be read.",
    fix: "Retry; if it fails again, contact us with the order number.",
    action: "retry",
    tone: "critical",
  },
  // The recorded reason is already ours and says exactly what in the order cannot be invoiced.
  order_unsupported: {
    what: "This order cannot be made into a FreshBooks invoice as it is.",
    fix: "Create this invoice in FreshBooks by hand.",
    action: "none",
    tone: "critical",
    ownWords: true,
  },
  internal: {
    what: "Something went wrong on our side.",
    fix: "Retry; if it fails again, contact us with the order number.",
    action: "retry",
    tone: "critical",
  },
  unknown: {
    what: "FreshBooks refused the request.",
    fix: "Details has FreshBooks' answer; Retry once it is fixed.",
    action: "retry",
    tone: "critical",
  },
  // Synced, with something to know.
  test_order: {
    what: "This is a test order; test orders are not sent to FreshBooks.",
    fix: "Nothing to do.",
    action: "none",
    tone: "neutral",
  },
  // The reason names the filter rule and what in the order matched it.
  filtered: {
    what: "One of your order filters skipped this order.",
    fix: "Change the filters in Settings, or send this order to FreshBooks anyway.",
    action: "settings",
    tone: "neutral",
    ownWords: true,
  },
  total_difference: {
    what: "FreshBooks' total differs from Shopify's.",
    fix: "Compare the two invoices below; after correcting the order in Shopify or the taxes in FreshBooks, Retry checks it again.",
    action: "retry",
    tone: "warning",
  },
  payment_adjusted: {
    what: "The payment recorded in FreshBooks differs from what Shopify captured.",
    fix: "Details says why; check the invoice's payments in FreshBooks.",
    action: "none",
    tone: "warning",
  },
  email_failed: {
    what: "The invoice is in FreshBooks, but its email to the customer was not sent.",
    fix: "Send the invoice email again.",
    action: "send-email",
    tone: "warning",
  },
} as const satisfies Record<string, { what: string; fix: string; action: CauseAction; tone: Tone; ownWords?: true }>;

export type Cause = keyof typeof CAUSES;
/** What the page offers for a cause: Retry, Reconnect, a way to Settings, sending the email, or nothing. */
export type CauseAction = "retry" | "reconnect" | "settings" | "send-email" | "none";

export function isCause(value: string | null | undefined): value is Cause {
  return typeof value === "string" && Object.hasOwn(CAUSES, value);
}

const UNKNOWN_WHAT = "The last attempt did not go through.";

export interface Explanation {
  /** Our sentence: what happened. */
  what: string;
  /** What to do about it. */
  fix: string;
  action: CauseAction;
  tone: Tone;
  /** FreshBooks' or OAuth's own text, for "Details" (never the headline). */
  details: string | null;
}

/**
 * The words the merchant reads for an order's reason. An order recorded before causes were
 * (no cause) shows its recorded reason under Details, after a plain sentence.
 */
export function explain(row: {
  status?: string;
  statusCause: string | null;
  statusDetail: string | null;
  statusReason: string | null;
}): Explanation | null {
  if (!isCause(row.statusCause) && row.status === "needs_reconnect") return { ...CAUSES.reconnect, details: row.statusReason };
  if (isCause(row.statusCause)) {
    const words: (typeof CAUSES)[Cause] = CAUSES[row.statusCause];
    const what = "ownWords" in words && row.statusReason ? row.statusReason : words.what;
    return { what, fix: words.fix, action: words.action, tone: words.tone, details: row.statusDetail };
  }
  if (!row.statusReason) return null;
  return { ...CAUSES.unknown, what: UNKNOWN_WHAT, details: row.statusReason };
}

/** "3 orders: your FreshBooks plan's limit on clients is reached." → a group's headline. */
export function groupHeadline(cause: Cause | null, count: number): string {
  const what = cause ? CAUSES[cause].what : UNKNOWN_WHAT;
  return `${count} ${count === 1 ? "order" : "orders"}: ${what}`;
}
