/** The FreshBooks shapes we read and write (docs/freshbooks-api.md §2, §4–6); money amounts are decimal strings. */
export interface Money {
  amount: string;
  code: string;
}

export interface Business {
  id: number;
  name: string;
  account_id: string | null;
}

export interface Identity {
  id: number;
  first_name?: string;
  last_name?: string;
  email?: string;
  business_memberships: { id: number; role: string; business: Business }[];
  /** Per account id: `client.limit` is the plan's client allowance, -1 for none (docs/freshbooks-api.md §2). */
  permissions?: Record<string, Record<string, unknown> | undefined>;
}

export interface ClientInput {
  fname?: string;
  lname?: string;
  email?: string;
  organization?: string;
  bus_phone?: string;
  mob_phone?: string;
  p_street?: string;
  p_street2?: string;
  p_city?: string;
  p_province?: string;
  p_code?: string;
  p_country?: string;
  s_street?: string;
  s_street2?: string;
  s_city?: string;
  s_province?: string;
  s_code?: string;
  s_country?: string;
  currency_code?: string;
  note?: string;
}

export interface Client extends ClientInput {
  id: number;
  userid?: number;
  vis_state: number;
  /** Undocumented; 1 (or true) marks a client beyond the plan's client limit (docs/freshbooks-api.md §14.2). */
  exceeds_client_limit?: number | boolean;
}

export interface InvoiceLineInput {
  type: 0;
  name: string;
  description?: string;
  qty: number;
  unit_cost: Money;
  taxName1?: string;
  taxAmount1?: string;
  taxName2?: string;
  taxAmount2?: string;
}

export interface InvoiceInput {
  customerid: number;
  create_date: string;
  due_offset_days?: number;
  invoice_number?: string;
  po_number?: string;
  currency_code: string;
  language?: string;
  notes?: string;
  terms?: string;
  discount_value?: string;
  lines: InvoiceLineInput[];
}

/** An invoice as read (app/freshbooks/read.ts checks the required fields; the rest may be absent). */
export interface Invoice {
  id: number;
  invoiceid?: number;
  accountid?: string;
  customerid: number;
  invoice_number: string;
  po_number?: string | null;
  notes?: string | null;
  create_date?: string;
  due_offset_days?: number;
  currency_code?: string;
  amount: Money;
  outstanding?: Money;
  paid?: Money;
  status?: number;
  v3_status?: string;
  payment_status?: string;
  vis_state?: number;
  lines?: {
    name?: string | null;
    description?: string | null;
    qty: number;
    unit_cost: Money;
    taxName1?: string | null;
    taxAmount1?: string;
    taxName2?: string | null;
    taxAmount2?: string;
  }[];
}

export interface PaymentInput {
  invoiceid: number;
  amount: Money;
  date: string;
  type: string;
  note?: string;
  send_client_notification?: boolean;
}

/** A payment as read: `date` and `type` are not checked (app/freshbooks/read.ts). */
export interface Payment extends Omit<PaymentInput, "date" | "type"> {
  date?: string;
  type?: string;
  id: number;
  logid?: number;
  clientid?: number;
  vis_state?: number;
}

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  created_at?: number;
}

/** A credit note to create (docs/freshbooks-api.md §7): `clientid`, not `customerid`. */
export interface CreditNoteInput {
  clientid: number;
  credit_number: string;
  create_date: string;
  currency_code: string;
  credit_type: "goodwill" | "prepayment";
  notes?: string;
  lines: InvoiceLineInput[];
}

/** A credit note as read: what we check (app/freshbooks/read.ts); the rest is kept as it came. */
export interface CreditNote {
  id: number;
  clientid: number;
  credit_number: string;
  amount: Money;
  currency_code?: string;
  notes?: string | null;
  vis_state?: number;
}
