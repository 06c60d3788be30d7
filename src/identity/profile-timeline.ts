import { TesseraError, type Timeline } from '../contract/index.js';
import { raw, sql, type Store } from '../store/index.js';
import type { IdentityService } from './identity-service.js';
import { readMapPriority } from './map-priority.js';
import { customerIdentifierLists, resolveCustomer } from './profile.js';
import { scopedEvents } from './profile-traits.js';

export type { Timeline };

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
  await identity.refresh();
  const { customerId } = await resolveCustomer(store, identity, identifier);
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const ids = await customerIdentifierLists(store, customerId);
  const priority = await readMapPriority(store);
  const t = store.dialect.epochMs(raw('e.ts'));
  const cursor = options.before === undefined ? undefined : parseCursor(options.before);
  const older = cursor === undefined ? raw('TRUE') : sql`(${t} < ${cursor.t} OR (${t} = ${cursor.t} AND e.seq < ${cursor.seq}))`;
  const rows = await store.query<{ seq: number; source: string; message: unknown; t: number }>(
    sql`SELECT seq, source, message, t FROM (${scopedEvents({ customerId, ids, priority }, sql`e.seq, e.source, e.message, ${t} AS t`, older)})
      ORDER BY t DESC, seq DESC LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    customer_id: customerId,
    events: page.map((r) => ({ seq: Number(r.seq), source: r.source, message: typeof r.message === 'string' ? (JSON.parse(r.message) as unknown) : r.message })),
    next: rows.length > limit && last ? `${Number(last.t)}.${Number(last.seq)}` : null,
  };
}
