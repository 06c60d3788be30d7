import { sql, raw, type Store, type Sql } from '../store/index.js';

export interface EventRow {
  seq: number;
  message_id: string;
  type: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  ts: Date;
  received_at: Date;
  source: string;
  message: string;
}

export interface EventFilter {
  /** Only events stored after this sequence number (for tailing). */
  afterSeq?: number;
  type?: string;
  event?: string;
  userId?: string;
  anonymousId?: string;
  limit?: number;
}

const eventColumns = raw('seq, message_id, type, event, user_id, anonymous_id, ts, received_at, source, message');

function where(filter: EventFilter): Sql {
  const parts: Sql[] = [raw('TRUE')];
  if (filter.afterSeq !== undefined) parts.push(sql`seq > ${filter.afterSeq}`);
  if (filter.type) parts.push(sql`type = ${filter.type}`);
  if (filter.event) parts.push(sql`event = ${filter.event}`);
  if (filter.userId) parts.push(sql`user_id = ${filter.userId}`);
  if (filter.anonymousId) parts.push(sql`anonymous_id = ${filter.anonymousId}`);
  return parts.reduce((acc, p) => sql`${acc} AND ${p}`);
}

/** Events in arrival order, newest last; with `afterSeq` it is the feed a tail follows. */
export async function listEvents(store: Store, filter: EventFilter): Promise<EventRow[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
  if (filter.afterSeq !== undefined) {
    return store.query<EventRow>(sql`SELECT ${eventColumns} FROM events WHERE ${where(filter)} ORDER BY seq LIMIT ${limit}`);
  }
  const rows = await store.query<EventRow>(sql`SELECT ${eventColumns} FROM events WHERE ${where(filter)} ORDER BY seq DESC LIMIT ${limit}`);
  return rows.reverse();
}

/** Every stored message as JSON text, in arrival order, streamed in chunks. */
export async function* streamMessages(store: Store): AsyncIterable<string[]> {
  for await (const rows of store.stream<{ message: string }>(sql`SELECT message FROM events ORDER BY seq`)) {
    yield rows.map((r) => (typeof r.message === 'string' ? r.message : JSON.stringify(r.message)));
  }
}

export interface QuarantineRow {
  seq: number;
  received_at: Date;
  source: string;
  location: string | null;
  code: string;
  reason: string;
  field: string | null;
  raw: string | null;
}

/** The latest rejected records with their reasons. */
export function listQuarantine(store: Store, limit = 100): Promise<QuarantineRow[]> {
  return store.query<QuarantineRow>(sql`SELECT * FROM quarantine ORDER BY seq DESC LIMIT ${Math.min(Math.max(limit, 1), 10_000)}`);
}

/** Rejections grouped by reason code, for summaries. */
export function countQuarantine(store: Store): Promise<{ code: string; n: number }[]> {
  return store.query(sql`SELECT code, count(*) AS n FROM quarantine GROUP BY code ORDER BY n DESC`);
}

/** Writes every stored event (typed columns and the message JSON) to a Parquet file. */
export function exportParquet(store: Store, path: string): Promise<number> {
  return store.copyToParquet(
    sql`SELECT seq, message_id, type, event, user_id, anonymous_id, ts AS timestamp, received_at, source, CAST(message AS VARCHAR) AS message FROM events ORDER BY seq`,
    path,
  );
}
