/** The records the demo shop produces, one type per source file. */

/** Who a Segment message is about: at least one of the two is always set. */
export interface MessageIdentity {
  anonymousId?: string;
  userId?: string;
}

export interface PageContext {
  path: string;
  url: string;
  title: string;
  referrer: string;
  search?: string;
}

export interface MessageContext {
  library: { name: string; version: string };
  ip?: string;
  locale?: string;
  userAgent?: string;
  timezone?: string;
  page?: PageContext;
  campaign?: { source: string; medium: string; name: string };
  /** Segment's referrer object: where the visitor came from, on the landing call of a session. */
  referrer?: { type: 'link'; url: string };
  location?: { country: string };
}

interface MessageBase extends MessageIdentity {
  messageId: string;
  /** ISO 8601 in UTC with milliseconds. */
  timestamp: string;
  context: MessageContext;
}

export interface PageMessage extends MessageBase {
  type: 'page';
  name: string;
  properties: PageContext;
}

export interface TrackMessage extends MessageBase {
  type: 'track';
  event: string;
  properties: Record<string, unknown>;
}

export interface IdentifyMessage extends MessageBase {
  type: 'identify';
  traits: Record<string, unknown>;
}

export interface AliasMessage extends MessageBase {
  type: 'alias';
  previousId: string;
  userId: string;
}

/** One line of events.ndjson: a Segment message as the shop's tracking sent it. */
export type DemoMessage = PageMessage | TrackMessage | IdentifyMessage | AliasMessage;

export type OrderStatus = 'completed' | 'refunded' | 'cancelled';

/**
 * One line item of orders.csv. `total` repeats the order's total on each of its lines and equals
 * the sum of price × quantity minus the order's discount (the discount is not a column: it is the
 * difference). Amounts are in `currency`, major units.
 */
export interface OrderRow {
  order_id: string;
  email: string;
  /** Empty for a guest checkout. */
  customer_id: string;
  /** Shop-local time (America/New_York) without an offset. */
  created_at: string;
  currency: string;
  total: number;
  status: OrderStatus;
  sku: string;
  product_name: string;
  category: string;
  quantity: number;
  price: number;
}

/** One row of customers.csv, the CRM's export: values as people typed them. */
export interface CustomerRow {
  customer_id: string;
  email: string;
  phone: string;
  first_name: string;
  last_name: string;
  city: string;
  country: string;
  /** Shop-local time (America/New_York) without an offset. */
  created_at: string;
}

export type IdentifierType = 'anon' | 'user' | 'email' | 'phone' | 'shop';

/** One row of truth.csv: an identifier as standardized (emails lower-cased, phones E.164) and the real person behind it. */
export interface TruthRow {
  identifier_type: IdentifierType;
  identifier_value: string;
  person_id: string;
}

export type PersonKind = 'browser' | 'member' | 'guest';

/** Everything one person left in the shop's systems. Read-only: calls on one page share their context object. */
export interface PersonRecords {
  person_id: string;
  /** `browser`: never identified; `member`: signed up; `guest`: bought only as a guest, never tracked. */
  kind: PersonKind;
  /** In time order. */
  events: DemoMessage[];
  orders: OrderRow[];
  customers: CustomerRow[];
  truth: TruthRow[];
}

export const orderColumns = ['order_id', 'email', 'customer_id', 'created_at', 'currency', 'total', 'status', 'sku', 'product_name', 'category', 'quantity', 'price'] as const satisfies readonly (keyof OrderRow)[];
export const customerColumns = ['customer_id', 'email', 'phone', 'first_name', 'last_name', 'city', 'country', 'created_at'] as const satisfies readonly (keyof CustomerRow)[];
export const rateColumns = ['date', 'currency', 'rate_to_base'] as const;
export const truthColumns = ['identifier_type', 'identifier_value', 'person_id'] as const satisfies readonly (keyof TruthRow)[];
