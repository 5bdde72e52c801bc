/**
 * The FreshBooks client for an order's buyer. Identity (`key`) is the Shopify customer id when
 * there is one, else the lowercased email; an order with neither (POS or draft without a
 * customer) has no client of its own and the pipeline uses the shop's fallback client.
 */
import type { ClientInput } from "../../freshbooks/types";
import type { ShopifyAddress, ShopifyOrder } from "../../shopify/order-schema";
import { CLIENT_FIELD_MAX, CLIENT_NOTE_MAX, firstPresent, present, prefixWithin, splitToFit } from "./text";

export interface MappedCustomer {
  /** "customer:<shopify customer id>" or "email:<lowercased email>". */
  key: string;
  /**
   * "email:<lowercased email>" when the order has an email (for a guest order, the same as
   * `key`). Orders that share it are the same buyer: they serialize on it and share the client.
   */
  emailKey: string | null;
  email: string | null;
  client: ClientInput;
}

type TextField = Exclude<keyof ClientInput, "note">;

const LABELS: Record<TextField, string> = {
  fname: "First name",
  lname: "Last name",
  email: "Email",
  organization: "Company",
  bus_phone: "Phone",
  mob_phone: "Mobile phone",
  p_street: "Billing address",
  p_street2: "Billing address line 2",
  p_city: "Billing city",
  p_province: "Billing province",
  p_code: "Billing postal code",
  p_country: "Billing country",
  s_street: "Shipping address",
  s_street2: "Shipping address line 2",
  s_city: "Shipping city",
  s_province: "Shipping province",
  s_code: "Shipping postal code",
  s_country: "Shipping country",
  currency_code: "Currency",
};

function addressFields(address: ShopifyAddress | null | undefined, prefix: "p" | "s"): Partial<Record<TextField, string | null>> {
  if (!address) return {};
  return {
    [`${prefix}_street`]: present(address.address1),
    [`${prefix}_street2`]: present(address.address2),
    [`${prefix}_city`]: present(address.city),
    // FreshBooks wants the short form of the province/state (docs/freshbooks-api.md §4).
    [`${prefix}_province`]: firstPresent(address.province_code, address.province),
    [`${prefix}_code`]: present(address.zip),
    [`${prefix}_country`]: present(address.country),
  };
}

function names(order: ShopifyOrder): { fname: string | null; lname: string | null } {
  const sources = [order.customer, order.billing_address, order.shipping_address];
  for (const source of sources) {
    const fname = present(source?.first_name);
    const lname = present(source?.last_name);
    if (fname !== null || lname !== null) return { fname, lname };
  }
  return { fname: null, lname: null };
}

/**
 * Puts each value in its field; a value longer than FreshBooks takes is cut at a character
 * boundary and written in full into the client's note, so nothing is lost.
 */
function fitClient(values: Partial<Record<TextField, string | null>>, noteLines: string[]): ClientInput {
  const client: ClientInput = {};
  const overflow: string[] = [];
  for (const [field, value] of Object.entries(values) as [TextField, string | null | undefined][]) {
    if (value === null || value === undefined) continue;
    const { head, overflow: rest } = splitToFit(value, CLIENT_FIELD_MAX);
    client[field] = head;
    if (rest !== null) overflow.push(`${LABELS[field]} (in full): ${value}`);
  }
  const note = [...noteLines, ...overflow].join("\n");
  // Beyond 4000 characters the note itself would be refused; the fields above still hold the start.
  if (note !== "") client.note = prefixWithin(note, CLIENT_NOTE_MAX);
  return client;
}

export function mapCustomer(order: ShopifyOrder, currency: string): MappedCustomer | null {
  const customerId = order.customer?.id ?? null;
  const email = firstPresent(order.customer?.email, order.email, order.contact_email);
  if (customerId === null && email === null) return null;
  const emailKey = email !== null ? `email:${email.toLowerCase()}` : null;
  const key = customerId !== null ? `customer:${customerId}` : (emailKey ?? "");
  const { fname, lname } = names(order);
  const organization = firstPresent(order.billing_address?.company, order.shipping_address?.company);
  const mobile = present(order.customer?.phone);
  const business = firstPresent(order.billing_address?.phone, order.phone, order.shipping_address?.phone);
  const values: Partial<Record<TextField, string | null>> = {
    fname,
    lname,
    email,
    // FreshBooks needs one of fname, lname, email, organization (errno 7012).
    organization: organization ?? (fname === null && lname === null && email === null ? `Shopify customer ${customerId}` : null),
    mob_phone: mobile,
    bus_phone: business !== mobile ? business : null,
    ...addressFields(order.billing_address, "p"),
    ...addressFields(order.shipping_address, "s"),
    currency_code: currency,
  };
  const noteLines = customerId !== null ? [`Shopify customer ${customerId}`] : [];
  return { key, emailKey, email, client: fitClient(values, noteLines) };
}
