/** In-memory data of the sandbox: one FreshBooks identity, its businesses and their records. */

export interface BusinessConfig {
  name: string;
  /** null: a business without an accounting account (docs/freshbooks-api.md §2: pure-client identities). */
  accountId?: string | null;
  businessId?: number;
  /** Owned by another identity: the account exists but this identity's tokens get errno 1003. */
  foreign?: boolean;
}

export interface Business {
  name: string;
  accountId: string | null;
  businessId: number;
  membershipId: number;
  uuid: string;
  foreign: boolean;
}

export interface Identity {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export type ClientFields = Record<string, string | null>;

export interface ClientRecord {
  id: number;
  fields: ClientFields;
  visState: number;
  signupDate: string;
  updated: string;
  uuid: string;
  /** Created (or restored) beyond the plan's client limit, in the `flag` dialect. */
  exceedsClientLimit?: boolean;
}

export interface LineRecord {
  lineid: number;
  type: number;
  name: string;
  description: string;
  qty: bigint;
  unitCostMinor: bigint;
  taxName1: string | null;
  taxAmount1: string | null;
  taxName2: string | null;
  taxAmount2: string | null;
  compoundedTax: boolean;
  amountMinor: bigint;
  taxMinor: bigint;
  updated: string;
}

export interface InvoiceRecord {
  id: number;
  customerid: number;
  invoiceNumber: string;
  createDate: string;
  dueOffsetDays: number;
  currencyCode: string;
  /** Writable text fields (po_number, notes, terms, fname, …) as sent or defaulted. */
  text: Record<string, string | null>;
  discountValue: string;
  lines: LineRecord[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  discountMinor: bigint;
  amountMinor: bigint;
  paidMinor: bigint;
  /** Left draft through action_mark_as_sent or action_email. */
  sent: boolean;
  datePaid: string | null;
  visState: number;
  createdAt: string;
  updated: string;
  uuid: string;
}

export interface PaymentRecord {
  id: number;
  invoiceid: number;
  clientid: number;
  amountMinor: bigint;
  code: string;
  date: string;
  type: string;
  note: string;
  sendClientNotification: boolean;
  overpaymentid: number | null;
  visState: number;
  updated: string;
}

/** A credit note (docs/freshbooks-api.md §7): lines like an invoice's, no payments of its own. */
export interface CreditNoteRecord {
  id: number;
  clientid: number;
  creditNumber: string;
  currencyCode: string;
  createDate: string;
  creditType: string;
  notes: string;
  lines: LineRecord[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  amountMinor: bigint;
  visState: number;
  updated: string;
}

export interface EmailSent {
  invoiceid: number;
  recipients: string[];
  subject: string | null;
  body: string | null;
  includePdf: boolean;
  at: string;
}

export interface TaxRecord {
  taxid: number;
  name: string;
  amount: string;
  number: string | null;
  compound: boolean;
}

export interface AccountData {
  clients: Map<number, ClientRecord>;
  invoices: Map<number, InvoiceRecord>;
  payments: Map<number, PaymentRecord>;
  creditNotes: Map<number, CreditNoteRecord>;
  taxes: TaxRecord[];
  nextInvoiceNumber: number;
  emailsSent: EmailSent[];
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  expiresAtMs: number;
  used: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  alive: boolean;
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  refreshToken: string;
  scope: string;
  createdAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
}

export interface TokenRequest {
  grantType: string;
  status: number;
  error: string | null;
  time: string;
}

/** One POST /auth/oauth/revoke: which token, what it was, and the answer. */
export interface Revocation {
  token: string;
  kind: "refresh" | "access" | "unknown";
  /** The token still worked when it was revoked (a live refresh token, an unexpired access token). */
  wasLive: boolean;
  status: number;
  time: string;
}

export interface RequestLogEntry {
  id: number;
  method: string;
  path: string;
  query: string;
  status: number | null;
  time: string;
  durationMs: number | null;
  fault: string | null;
}

/** Ids that look like FreshBooks' (integers, increasing) and never collide across resources. */
export class IdSequence {
  private next: number;
  constructor(private readonly start: number) {
    this.next = start;
  }
  take(): number {
    const id = this.next;
    this.next += 1;
    return id;
  }
  reset(): void {
    this.next = this.start;
  }
  /** The id the next take() returns (for saving the sandbox's data). */
  peek(): number {
    return this.next;
  }
  /** Continues from a saved position; never goes back. */
  continueFrom(next: number): void {
    this.next = Math.max(this.next, next);
  }
}

export const DEFAULT_TAXES: readonly Omit<TaxRecord, "taxid">[] = [
  { name: "HST", amount: "13", number: "RT0001", compound: false },
  { name: "GST", amount: "5", number: null, compound: false },
];

export class SandboxData {
  readonly accounts = new Map<string, AccountData>();
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly tokenRequests: TokenRequest[] = [];
  readonly revocations: Revocation[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly ids = {
    client: new IdSequence(100001),
    invoice: new IdSequence(200001),
    line: new IdSequence(1),
    payment: new IdSequence(300001),
    credit: new IdSequence(400001),
    tax: new IdSequence(5001),
    request: new IdSequence(1),
  };

  account(accountId: string): AccountData {
    let data = this.accounts.get(accountId);
    if (!data) {
      data = {
        clients: new Map(),
        invoices: new Map(),
        payments: new Map(),
        creditNotes: new Map(),
        taxes: DEFAULT_TAXES.map((tax) => ({ ...tax, taxid: this.ids.tax.take() })),
        nextInvoiceNumber: 1,
        emailsSent: [],
      };
      this.accounts.set(accountId, data);
    }
    return data;
  }

  clear(): void {
    this.accounts.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.tokenRequests.length = 0;
    this.revocations.length = 0;
    this.requests.length = 0;
    for (const sequence of Object.values(this.ids)) sequence.reset();
  }
}

/** Builds businesses with stable, FreshBooks-looking ids from the configuration. */
export function buildBusinesses(configs: readonly BusinessConfig[]): Business[] {
  return configs.map((config, index) => ({
    name: config.name,
    accountId: config.accountId === null ? null : (config.accountId ?? `SBX${String(index + 1).padStart(3, "0")}`),
    businessId: config.businessId ?? 7000001 + index,
    membershipId: 8000001 + index,
    uuid: `00000000-0000-4000-8000-${String(7000001 + index).padStart(12, "0")}`,
    foreign: config.foreign ?? false,
  }));
}
