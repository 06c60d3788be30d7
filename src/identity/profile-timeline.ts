import { TesseraError, type Timeline } from '../contract/index.js';
import { raw, sql, type Store } from '../store/index.js';
import type { IdentityService } from './identity-service.js';
import { readMapPriority } from './map-priority.js';
import { findCustomerEvents } from './customer-events.js';
import { findCustomer } from './profile.js';
import { scopedEvents } from './profile-traits.js';

export type { Timeline };

/** An order counts once, by order_id, whichever sources sent it (events.md); each refund sent counts. */
const ORDER_COMPLETED = 'Order Completed';

export interface TimelineOptions {
  limit?: number;
  /** A `next` cursor of a previous page: events strictly older than its last event. */
  before?: string;
}

// The cursor is the last event's time and sequence number: ties in time are broken by seq, so no
// event is skipped or repeated between pages even when many share a millisecond.
function parseCursor(cursor: string): { t: number; seq: number } {
  const match = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new TesseraError('invalid_argument', `before=${cursor} is not a timeline cursor: pass the "next" value of the previous page`);
  return { t: Number(match[1]), seq: Number(match[2]) };
}

/** Every event of the customer an identifier resolves to, newest first, a page at a time. */
export async function readTimeline(store: Store, identity: IdentityService, identifier: string, options: TimelineOptions = {}): Promise<Timeline> {
  // A process that holds the graph (a server) finds the customer and the owners of its events' identifiers there; a
  // command does not build it for a page of events.
  const graph = identity.hasGraph ? await identity.graph() : undefined;
  if (graph === undefined) await identity.refresh();
  const { customerId, members } = await findCustomer(store, identity, identifier, graph);
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const customer = await findCustomerEvents(store, customerId, members, graph);
  const priority = await readMapPriority(store);
  const t = store.dialect.epochMs(raw('e.ts'));
  const cursor = options.before === undefined ? undefined : parseCursor(options.before);
  const older = cursor === undefined ? raw('TRUE') : sql`(${t} < ${cursor.t} OR (${t} = ${cursor.t} AND e.seq < ${cursor.seq}))`;
  // An order's first Order Completed is older than its repeats, so a page's cursor keeps it wherever it keeps them.
  const rows = await store.query<{ seq: number; source: string; message: unknown; t: number; repeat_of: number | null }>(
    sql`WITH ev AS MATERIALIZED (${scopedEvents({ customer, priority }, sql`e.seq, e.source, e.message, ${t} AS t, e.event, e.order_id`, older)}),
      firsts AS (SELECT seq, first_value(seq) OVER (PARTITION BY order_id ORDER BY t, seq) AS first_seq
        FROM ev WHERE order_id IS NOT NULL AND event = ${ORDER_COMPLETED})
      SELECT ev.seq, ev.source, ev.message, ev.t, CASE WHEN f.first_seq <> ev.seq THEN f.first_seq END AS repeat_of
      FROM ev LEFT JOIN firsts f ON f.seq = ev.seq
      ORDER BY ev.t DESC, ev.seq DESC LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    customer_id: customerId,
    events: page.map((r) => ({
      seq: Number(r.seq),
      source: r.source,
      message: typeof r.message === 'string' ? (JSON.parse(r.message) as unknown) : r.message,
      ...(r.repeat_of === null ? {} : { repeat_of: Number(r.repeat_of) }),
    })),
    next: rows.length > limit && last ? `${Number(last.t)}.${Number(last.seq)}` : null,
  };
}
