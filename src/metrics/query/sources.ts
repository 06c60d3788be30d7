import { raw, sql, type Sql } from '../../store/index.js';
import type { SourceName } from '../catalog/measure.js';
import { eventName } from '../facts/fact-tables.js';
import { NO_SOURCE } from '../facts/traffic-source.js';
import type { FieldDef, QueryContext } from './query-context.js';
import { customersRelation, eventRelation, orderItemsRelation, ordersRelation } from './relations.js';

/** Dimensions a result can be broken down by. */
export type { Dimension } from '../../contract/index.js';
import type { Dimension } from '../../contract/index.js';
export const dimensions: readonly Dimension[] = ['source', 'country', 'currency'];

/**
 * A fact table as the catalog sees it: the relation (row alias `s`), the local day it is dated by,
 * its customer key, and the whitelist of fields and dimensions definitions may name.
 */
export interface SourceDef {
  description: string;
  relation(ctx: QueryContext): Sql;
  /** Local date column the source is dated by. */
  day: Sql;
  /** Timestamp of the row (for filters relative to it). */
  ts: Sql;
  customerKey: Sql;
  fields: Readonly<Record<string, FieldDef>>;
  dimensions: Readonly<Partial<Record<Dimension, FieldDef>>>;
}

const col = (name: string): Sql => raw(`s.${name}`);
const f = (type: FieldDef['type'], name: string): FieldDef => ({ type, sql: col(name) });
const country: FieldDef = { type: 'text', sql: sql`coalesce(cc.country, ${'unknown'})`, join: 'country' };

/** Fields of the customer behind any row, as `customer.<name>` (orders that count, first and second). */
export const customerFields: Readonly<Record<string, FieldDef>> = {
  first_order_at: { type: 'timestamp', sql: raw('cu.first_order_ts'), join: 'customer' },
  first_order_day: { type: 'date', sql: raw('cu.local_day'), join: 'customer' },
  second_order_at: { type: 'timestamp', sql: raw('cu.second_order_ts'), join: 'customer' },
  second_order_day: { type: 'date', sql: raw('cu.second_order_day'), join: 'customer' },
  orders: { type: 'number', sql: sql`coalesce(cu.orders, 0)`, join: 'customer' },
  revenue: { type: 'number', sql: sql`coalesce(cu.revenue, 0)`, join: 'customer' },
};

export const sources: Readonly<Record<SourceName, SourceDef>> = {
  orders: {
    description: 'one row per order that counts (distinct order_id, first Order Completed), revenue net of refunds, in base currency',
    relation: ordersRelation,
    day: col('local_day'),
    ts: col('ts'),
    customerKey: col('customer_key'),
    fields: {
      order_id: f('text', 'order_id'),
      customer: f('key', 'customer_key'),
      revenue: f('number', 'revenue'),
      gross_revenue: f('number', 'gross'),
      refunded_revenue: f('number', 'refunded'),
      amount: f('number', 'amount'),
      currency: f('text', 'currency'),
      channel: f('text', 'channel'),
      coupon: f('text', 'coupon'),
      ordered_at: f('timestamp', 'ts'),
      day: f('date', 'local_day'),
      source: { type: 'text', sql: sql`coalesce(os.source, ${NO_SOURCE})`, join: 'order_source' },
      country,
    },
    dimensions: {
      source: { type: 'text', sql: sql`coalesce(os.source, ${NO_SOURCE})`, join: 'order_source' },
      country,
      currency: f('text', 'currency'),
    },
  },
  order_items: {
    description: 'line items (products[]) of the orders that count, prices in base currency',
    relation: orderItemsRelation,
    day: col('local_day'),
    ts: col('ts'),
    customerKey: col('customer_key'),
    fields: {
      order_id: f('text', 'order_id'),
      customer: f('key', 'customer_key'),
      product_id: f('text', 'product_id'),
      sku: f('text', 'sku'),
      name: f('text', 'name'),
      category: f('text', 'category'),
      price: f('number', 'price'),
      quantity: f('number', 'quantity'),
      revenue: f('number', 'revenue'),
      currency: f('text', 'currency'),
      country,
    },
    dimensions: { country, currency: f('text', 'currency') },
  },
  sessions: {
    description: 'sessions (events.md), dated by their first call',
    relation: () => sql`sessions`,
    day: col('local_day'),
    ts: col('start_ts'),
    customerKey: col('visitor_key'),
    fields: {
      session: f('key', 'session_id'),
      visitor: f('key', 'visitor_key'),
      customer: f('key', 'visitor_key'),
      calls: f('number', 'calls'),
      pages: f('number', 'pages'),
      duration_seconds: { type: 'number', sql: sql`(s.duration_ms / 1000.0)`, sum: { sql: col('duration_ms'), scale: 0.001 } },
      bounced: f('bool', 'bounced'),
      has_order: f('bool', 'has_order'),
      has_cart: f('bool', 'has_cart'),
      has_signup: f('bool', 'has_signup'),
      source: f('text', 'source'),
      revenue: { type: 'number', sql: sql`coalesce(sr.revenue, 0)`, join: 'session_revenue' },
      started_at: f('timestamp', 'start_ts'),
      country,
    },
    dimensions: { source: f('text', 'source'), country },
  },
  visitors: {
    description: 'one row per visitor, dated by their first session',
    relation: () => sql`visitor_facts`,
    day: col('local_day'),
    ts: col('first_session_ts'),
    customerKey: col('visitor_key'),
    fields: {
      visitor: f('key', 'visitor_key'),
      customer: f('key', 'visitor_key'),
      sessions: f('number', 'sessions'),
      first_session_at: f('timestamp', 'first_session_ts'),
      country,
    },
    dimensions: { country },
  },
  customers: {
    description: 'one row per customer with an order that counts, dated by their first order',
    relation: customersRelation,
    day: col('local_day'),
    ts: col('first_order_ts'),
    customerKey: col('customer_key'),
    fields: {
      customer: f('key', 'customer_key'),
      orders: f('number', 'orders'),
      revenue: f('number', 'revenue'),
      first_order_at: f('timestamp', 'first_order_ts'),
      second_order_day: f('date', 'second_order_day'),
      country,
    },
    dimensions: { country },
  },
  events: {
    description: 'every event with its resolved customer (visitor), dated by its time',
    relation: () => sql`event_facts`,
    day: col('local_day'),
    ts: col('ts'),
    customerKey: col('customer_key'),
    fields: {
      event: { type: 'text', sql: raw('en.name'), join: 'event_name' },
      type: f('text', 'type'),
      web: f('bool', 'web'),
      customer: f('key', 'customer_key'),
      visitor: f('key', 'customer_key'),
      at: f('timestamp', 'ts'),
      country,
    },
    dimensions: { country },
  },
  email_sends: {
    description: 'one row per (customer, email_id) delivered, dated by the first delivery',
    relation: () => sql`email_sends`,
    day: col('local_day'),
    ts: col('delivered_ts'),
    customerKey: col('customer_key'),
    fields: {
      customer: f('key', 'customer_key'),
      email_id: f('text', 'email_id'),
      opened: f('bool', 'opened'),
      clicked: f('bool', 'clicked'),
      country,
    },
    dimensions: { country },
  },
  survey_responses: {
    description: 'Survey Responded events with their survey_type and score',
    relation: () => eventRelation(eventName.surveyResponded),
    day: col('local_day'),
    ts: col('ts'),
    customerKey: col('customer_key'),
    fields: {
      customer: f('key', 'customer_key'),
      survey_type: f('text', 'survey_type'),
      score: f('number', 'score'),
      country,
    },
    dimensions: { country },
  },
};

/** The field a definition names on a source (`revenue`, `customer.first_order_day`), or undefined. */
export function lookupField(source: SourceDef, name: string): FieldDef | undefined {
  if (name.startsWith('customer.')) return customerFields[name.slice('customer.'.length)];
  return Object.hasOwn(source.fields, name) ? source.fields[name] : undefined;
}
