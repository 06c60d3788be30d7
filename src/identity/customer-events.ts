import { raw, sql, type Sql, type Store } from '../store/index.js';
import type { IdentityState } from './identity-state.js';
import { exactMemberOf } from './read-graph.js';
import { carriesIdentifierOf, externalIdentifiers, identifierListsOf, type KnownMapRows } from './profile-events.js';

/** The events that make an order's story (events.md): its first Order Completed, refunds and cancellations. */
export const ORDER_EVENTS = ['Order Completed', 'Order Refunded', 'Order Cancelled'];

/** Whether the event (columns of `alias`, or unqualified) is one of an order's ORDER_EVENTS. */
export function isOrderEvent(alias?: string): Sql {
  const column = (name: string) => raw(alias === undefined ? name : `${alias}.${name}`);
  return sql`${column('order_id')} IS NOT NULL AND ${column('event')} IN (SELECT unnest(${ORDER_EVENTS}))`;
}

/**
 * One customer's events, found once and shared by the queries of a profile or a timeline page. Each of those
 * queries narrowed the log itself before: a scan of every event's identifier columns and one of the whole
 * customer_map, four times a profile (at 1M customers, 1.5 s a profile where its events read by seq take 0.17 s).
 */
export interface CustomerEvents {
  readonly customerId: string;
  /** The events that carry one of the customer's identifiers: a superset of theirs, which each query's customer test narrows. */
  readonly seqs: readonly number[];
  /**
   * The order events of every order among them, whoever sent them: a back office that re-sends or refunds an order
   * under an email the graph keeps apart must neither count it twice nor leave the refund out.
   */
  readonly orderSeqs: readonly number[];
  /** The customer_map rows of every identifier those events carry, for the joins that resolve each event's customer. */
  readonly map: KnownMapRows;
}

/**
 * Finds a customer's events and the owners of their identifiers. `members` are the customer's identifiers; `graph`,
 * when the process holds it current, names each identifier's customer without a scan of customer_map (it is what
 * the map was written from).
 */
export async function findCustomerEvents(
  store: Store,
  customerId: string,
  members: readonly { type: string; value: string }[],
  graph?: IdentityState,
): Promise<CustomerEvents> {
  // Each event found comes with its identifiers: the owners of those are what the queries' joins need, and reading
  // them here spares a second pass over the found events.
  const carrying = await store.query<EventIdentifierColumns & { order_id: string | null }>(
    sql`SELECT c.seq, CASE WHEN ${isOrderEvent('c')} THEN c.order_id END AS order_id, ${IDENTIFIER_COLUMNS} FROM events c WHERE ${carriesIdentifierOf(identifierListsOf(members))}`,
  );
  const seqs = carrying.map((r) => Number(r.seq));
  const orderIds = [...new Set(carrying.flatMap((r) => (r.order_id === null ? [] : [r.order_id])))];
  const orderEvents =
    orderIds.length === 0
      ? []
      : await store.query<EventIdentifierColumns>(sql`SELECT ${IDENTIFIER_COLUMNS} FROM events c WHERE ${isOrderEvent('c')} AND c.order_id IN (SELECT unnest(${orderIds}))`);
  const orderSeqs = orderEvents.map((r) => Number(r.seq));
  const candidates = await identifiersOf(store, [...carrying, ...orderEvents]);
  return { customerId, seqs, orderSeqs, map: graph === undefined ? await mapRowsFromStore(store, candidates) : mapRowsFromGraph(graph, candidates) };
}

/** The identifier columns of an event `c`, as findCustomerEvents reads them. */
interface EventIdentifierColumns {
  seq: number | bigint;
  user_id: string | null;
  email: string | null;
  phone: string | null;
  anonymous_id: string | null;
  external_ids: string | null;
}
const IDENTIFIER_COLUMNS = raw('c.seq, c.user_id, c.email, c.phone, c.anonymous_id, c.external_ids');

/** The distinct (type, value) identifiers the events carry: their columns, and their external ids read as identity reads them. */
async function identifiersOf(store: Store, events: readonly EventIdentifierColumns[]): Promise<{ type: string; value: string }[]> {
  const found = new Map<string, { type: string; value: string }>();
  const add = (type: string, value: string | null): void => {
    if (value !== null) found.set(`${type}:${value}`, { type, value });
  };
  const externals = new Set<string>();
  for (const e of events) {
    add('user', e.user_id);
    add('email', e.email);
    add('phone', e.phone);
    add('anon', e.anonymous_id);
    if (e.external_ids !== null) externals.add(e.external_ids);
  }
  if (externals.size > 0) {
    const rows = await store.query<{ type: string; id: string | null }>(
      sql`SELECT DISTINCT x.type, x.id FROM (SELECT unnest(${[...externals]}) AS external_ids) ev, LATERAL (${externalIdentifiers(raw('ev.external_ids'))}) x`,
    );
    for (const r of rows) add(r.type, r.id);
  }
  return [...found.values()];
}

/** The customer_map rows of the candidates, as the map holds them. */
async function mapRowsFromStore(store: Store, candidates: readonly { type: string; value: string }[]): Promise<KnownMapRows> {
  const rows =
    candidates.length === 0
      ? []
      : await store.query<{ type: string; value: string; customer_id: string }>(
          sql`SELECT type, value, customer_id FROM customer_map WHERE value IN (SELECT unnest(${candidates.map((c) => c.value)}))`,
        );
  return { types: rows.map((r) => r.type), values: rows.map((r) => r.value), customerIds: rows.map((r) => r.customer_id) };
}

/** The rows customer_map holds for the candidates, from the graph it was written from. */
function mapRowsFromGraph(graph: IdentityState, candidates: readonly { type: string; value: string }[]): KnownMapRows {
  const types: string[] = [];
  const values: string[] = [];
  const customerIds: string[] = [];
  for (const { type, value } of candidates) {
    const member = exactMemberOf(graph, type, value);
    if (member === undefined) continue;
    types.push(type);
    values.push(value);
    customerIds.push(member.customerId);
  }
  return { types, values, customerIds };
}
