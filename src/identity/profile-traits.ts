import { raw, sql, type Sql, type Store } from '../store/index.js';
import { serverLibraries } from '../metrics/index.js';
import { isOrderEvent, type CustomerEvents } from './customer-events.js';
import { eventContactsOwned, eventCustomerId, eventsWithCustomerJoins, knownCustomerJoins } from './profile-events.js';

/**
 * Which customers a computed-trait query covers: one (its events found beforehand: findCustomerEvents) or all, with
 * the type priority an event's identifiers are ranked by (readMapPriority).
 */
export type TraitScope = { customer: CustomerEvents; priority: readonly string[] } | { all: true; priority: readonly string[] };

const SESSION_GAP_MS = 30 * 60 * 1000;
/** Sent by the shop, not done by the person: they do not make the person "seen". */
const SENT_TO_PERSON = ['Email Delivered', 'Email Bounced'];

/** `SELECT customer_id, e.<columns> FROM events e …` for the scope: every event with its resolved customer. */
export function scopedEvents(scope: TraitScope, columns: Sql, filter: Sql = raw('TRUE')): Sql {
  const customer = eventCustomerId(scope.priority);
  if ('all' in scope) {
    return sql`SELECT ${customer} AS customer_id, ${columns} FROM ${eventsWithCustomerJoins(scope.priority)}
      WHERE ${customer} IS NOT NULL AND ${filter}`;
  }
  const joins = knownCustomerJoins(scope.priority, scope.customer.seqs, scope.customer.map);
  return sql`WITH ${joins.ctes} SELECT ${customer} AS customer_id, ${columns} FROM ${joins.from}
    WHERE ${customer} = ${scope.customer.customerId} AND ${filter}`;
}

/**
 * The identify calls of the scope's customers, with what foldTraits reads of each (the message's `traits` and
 * `context.traits`, source, message_id, ts, whether the call's email and phone are the customer's own) and their seq:
 * ordered by ts, seq, they fold into traits. The two trait objects, not the whole message: `profiles export` read every
 * identify's message into JavaScript to parse it there.
 */
export function identifyCallsQuery(store: Store, scope: TraitScope): Sql {
  const d = store.dialect;
  const m = raw('e.message');
  return scopedEvents(
    scope,
    sql`${d.jsonValue(m, ['traits'])} AS traits, ${d.jsonValue(m, ['context', 'traits'])} AS context_traits, e.source, e.message_id, e.ts, e.seq, ${eventContactsOwned(scope.priority)}`,
    sql`e.type = ${'identify'}`,
  );
}

/**
 * Activity aggregates per customer: first and last seen, events, email opens and clicks, the latest
 * NPS/CSAT/CES, and what consent says (unsubscribes, the latest Segment consent preferences).
 */
export function activityTraitsQuery(store: Store, scope: TraitScope): Sql {
  const d = store.dialect;
  const m = raw('message');
  const prop = (key: string) => d.jsonText(m, ['properties', key]);
  const latest = (type: string) => sql`arg_max(TRY_CAST(${prop('score')} AS DOUBLE), ts) FILTER (WHERE event = ${'Survey Responded'} AND lower(${prop('survey_type')}) = ${type})`;
  // Only messages whose text mentions consent are parsed for it: a substring test is cheap, a JSON parse is not.
  const preferences = sql`CASE WHEN CAST(message AS VARCHAR) LIKE ${'%"categoryPreferences"%'} THEN CAST(${d.jsonValue(m, ['context', 'consent', 'categoryPreferences'])} AS VARCHAR) END`;
  return sql`SELECT customer_id, min(ts) AS first_seen,
      max(ts) FILTER (WHERE event IS NULL OR event NOT IN (SELECT unnest(${SENT_TO_PERSON}))) AS last_seen,
      count(*) AS events,
      count(*) FILTER (WHERE event = ${'Email Delivered'}) AS emails_delivered,
      count(*) FILTER (WHERE event = ${'Email Opened'}) AS email_opens,
      count(*) FILTER (WHERE event = ${'Email Link Clicked'}) AS email_clicks,
      max(ts) FILTER (WHERE event = ${'Unsubscribed'}) AS unsubscribed_at,
      ${latest('nps')} AS latest_nps, ${latest('csat')} AS latest_csat, ${latest('ces')} AS latest_ces,
      arg_max(preferences, ts) FILTER (WHERE preferences IS NOT NULL) AS consent_preferences
    FROM (${scopedEvents(scope, sql`e.event, e.ts, e.message, ${preferences} AS preferences`)}) GROUP BY customer_id`;
}

/**
 * Order aggregates per customer (events.md), as the order KPIs count them (metrics/facts/build-orders.ts):
 * an order counts once by order_id, whichever identity sent each of its events, for the customer of its
 * first Order Completed by time; a cancellation, a refund of no amount, or refunds reaching the total
 * remove it, and a partial refund leaves revenue (in base currency at the order's rate). An order's
 * events are read whole, not only those that resolve to the customer: a back office that re-sends or
 * refunds an order under an email the graph keeps apart must neither count it twice nor leave the
 * refund out. The favourite category is the one bought most (by quantity) in the orders that count,
 * ties to the first name.
 */
export function orderTraitsQuery(store: Store, scope: TraitScope): Sql {
  const d = store.dialect;
  const m = raw('message');
  // One customer's orders: the events of every order among theirs, whoever sent them (findCustomerEvents).
  const known = 'all' in scope ? undefined : knownCustomerJoins(scope.priority, scope.customer.orderSeqs, scope.customer.map, 'order');
  const withOrders = known === undefined ? raw('WITH') : sql`WITH ${known.ctes},`;
  const orderEventsFrom = known === undefined ? sql`${eventsWithCustomerJoins(scope.priority)} WHERE ${isOrderEvent('e')}` : known.from;
  const inScope = 'all' in scope ? raw('customer_id IS NOT NULL') : sql`customer_id = ${scope.customer.customerId}`;
  // An order's revenue is a decimal (`kept`), not the double the rate makes it: a sum of doubles rounds a half cent
  // either way by the order the threads add them in (1.005 + 0.2 is 1.2049999999999998), and a profile's revenue
  // came out 1797.87 or 1797.88 from one run to the next. The sum is rounded to cents while a decimal too: as a
  // double, a half cent (0.285) is just under it and JavaScript's rounding took it down.
  return sql`${withOrders} ce AS (
      SELECT ${eventCustomerId(scope.priority)} AS customer_id, e.event, e.order_id, e.ts, e.seq, e.amount, e.amount_base, e.rate, e.message
      FROM ${orderEventsFrom}),
    completed AS (
      SELECT customer_id, order_id, ts, amount, amount_base AS gross, rate, message FROM (
        SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY ts, seq) AS rn FROM ce WHERE event = ${'Order Completed'})
      WHERE rn = 1 AND ${inScope}),
    after_sale AS (
      SELECT order_id, sum(amount) FILTER (WHERE event = ${'Order Refunded'}) AS refunded,
        bool_or(event = ${'Order Cancelled'} OR (event = ${'Order Refunded'} AND amount IS NULL)) AS removed
      FROM ce WHERE event <> ${'Order Completed'} GROUP BY order_id),
    kept AS (
      SELECT c.customer_id, c.order_id, c.ts, c.message, CAST(c.gross - coalesce(a.refunded, 0) * coalesce(c.rate, 1) AS DECIMAL(18,4)) AS revenue
      FROM completed c LEFT JOIN after_sale a ON a.order_id = c.order_id
      WHERE NOT coalesce(a.removed, FALSE) AND coalesce(a.refunded, 0) < coalesce(c.amount, 0) - 0.005),
    items AS (
      SELECT customer_id, unnest(CAST(${d.jsonValue(m, ['properties', 'products'])} AS JSON[])) AS item FROM kept),
    categories AS (
      SELECT customer_id, json_extract_string(item, '$.category') AS category,
        sum(coalesce(TRY_CAST(json_extract_string(item, '$.quantity') AS DOUBLE), 1)) AS quantity
      FROM items GROUP BY ALL HAVING category IS NOT NULL),
    favourite AS (
      SELECT customer_id, category FROM (
        SELECT customer_id, category, row_number() OVER (PARTITION BY customer_id ORDER BY quantity DESC, category) AS k FROM categories)
      WHERE k = 1)
    SELECT k.customer_id, count(*) AS orders, CAST(round(sum(k.revenue), 2) AS DOUBLE) AS revenue, min(k.ts) AS first_order_at,
      max(k.ts) AS last_order_at, any_value(f.category) AS favourite_category
    FROM kept k LEFT JOIN favourite f ON f.customer_id = k.customer_id GROUP BY k.customer_id`;
}

/**
 * Sessions per customer (events.md), as the session KPIs count them (metrics/facts/insert-event-facts.ts):
 * runs of the person's own calls (page, screen, and track calls neither imported from files, nor sent with
 * channel server, nor by a server-side library such as the one that sends Email Delivered) with no gap
 * over 30 minutes.
 */
export function sessionsQuery(store: Store, scope: TraitScope): Sql {
  const d = store.dialect;
  const library = d.jsonText(raw('e.message'), ['context', 'library', 'name']);
  const web = sql`e.type IN (${'page'}, ${'screen'}, ${'track'}) AND coalesce(e.channel, '') NOT IN (${'import'}, ${'server'})
    AND (e.type <> ${'track'} OR ${library} IS NULL OR ${library} NOT IN (SELECT unnest(${[...serverLibraries]})))`;
  return sql`SELECT customer_id, count(*) FILTER (WHERE gap IS NULL OR gap > ${SESSION_GAP_MS}) AS sessions
    FROM (SELECT customer_id, t - lag(t) OVER (PARTITION BY customer_id ORDER BY t) AS gap
      FROM (${scopedEvents(scope, sql`${d.epochMs(raw('e.ts'))} AS t`, web)}))
    GROUP BY customer_id`;
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Email consent as the events tell it: unsubscribed, receiving emails, or nothing known. */
function consentOf(activity: Record<string, unknown>): Record<string, unknown> {
  const unsubscribedAt = iso(activity['unsubscribed_at']);
  const preferences = typeof activity['consent_preferences'] === 'string' ? (JSON.parse(activity['consent_preferences']) as unknown) : null;
  const email = unsubscribedAt ? 'unsubscribed' : Number(activity['emails_delivered'] ?? 0) > 0 ? 'subscribed' : 'unknown';
  return { email, unsubscribed_at: unsubscribedAt, preferences };
}

/** The computed-trait object of a customer from its three aggregate rows (any may be missing). */
export function toComputed(activity: Record<string, unknown> = {}, orders: Record<string, unknown> = {}, sessions: Record<string, unknown> = {}): Record<string, unknown> {
  const count = Number(orders['orders'] ?? 0);
  const revenue = count > 0 ? Math.round(Number(orders['revenue'] ?? 0) * 100) / 100 : 0;
  return {
    first_seen: iso(activity['first_seen']),
    last_seen: iso(activity['last_seen']),
    events: Number(activity['events'] ?? 0),
    sessions: Number(sessions['sessions'] ?? 0),
    first_order_at: iso(orders['first_order_at']),
    last_order_at: iso(orders['last_order_at']),
    orders: count,
    revenue,
    aov: count > 0 ? Math.round((revenue / count) * 100) / 100 : null,
    favourite_category: orders['favourite_category'] ?? null,
    email_opens: Number(activity['email_opens'] ?? 0),
    email_clicks: Number(activity['email_clicks'] ?? 0),
    latest_nps: num(activity['latest_nps']),
    latest_csat: num(activity['latest_csat']),
    latest_ces: num(activity['latest_ces']),
    consent: consentOf(activity),
  };
}

/** Computed traits of every customer in the scope, by customer id. */
export async function readComputedTraits(store: Store, scope: TraitScope): Promise<Map<string, Record<string, unknown>>> {
  const byCustomer = async (query: Sql) => {
    const rows = new Map<string, Record<string, unknown>>();
    for await (const chunk of store.stream<Record<string, unknown>>(query)) for (const r of chunk) rows.set(String(r['customer_id']), r);
    return rows;
  };
  // Side by side: the store runs each on a reader connection of its own, so one customer's three take the time of one.
  const [activity, orders, sessions] = await Promise.all([
    byCustomer(activityTraitsQuery(store, scope)),
    byCustomer(orderTraitsQuery(store, scope)),
    byCustomer(sessionsQuery(store, scope)),
  ]);
  const out = new Map<string, Record<string, unknown>>();
  for (const id of new Set([...activity.keys(), ...orders.keys(), ...sessions.keys()])) out.set(id, toComputed(activity.get(id), orders.get(id), sessions.get(id)));
  return out;
}
