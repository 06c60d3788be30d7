import { join, param, sql, raw, type Store, type StoreTx, type Sql } from '../store/index.js';

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
  /** With afterSeq, the newest `limit` events after it rather than the oldest (a live view skips a burst's older ones). */
  newest?: boolean;
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
  return join(parts, ' AND ');
}

/** Events in arrival order, newest last; with `afterSeq` it is the feed a tail follows. */
export async function listEvents(store: Store, filter: EventFilter): Promise<EventRow[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
  if (filter.afterSeq !== undefined && filter.newest !== true) {
    return store.query<EventRow>(sql`SELECT ${eventColumns} FROM events WHERE ${where(filter)} ORDER BY seq LIMIT ${limit}`);
  }
  // The newest: their seqs first, from the seq and filter columns alone, then those rows whole. A top-N over whole
  // events read every message of the log (at 3.2M events 60–340 ms, against a few ms), and a server's live view asked
  // it after every load.
  const seqs = (await store.query<{ seq: number | bigint }>(sql`SELECT seq FROM events WHERE ${where(filter)} ORDER BY seq DESC LIMIT ${limit}`)).map((r) => Number(r.seq));
  if (seqs.length === 0) return [];
  const [newest, oldest] = [seqs[0]!, seqs[seqs.length - 1]!];
  // The seq range lets the scan skip every row group outside it; the list keeps exactly the rows found.
  return store.query<EventRow>(
    sql`SELECT ${eventColumns} FROM events WHERE seq >= ${oldest} AND seq <= ${newest} AND list_contains(${param(seqs, 'int[]')}, seq) ORDER BY seq`,
  );
}

/** The seq of the newest stored event, 0 for an empty log (in a transaction, as it sees the log). */
export async function newestEventSeq(store: Store | StoreTx): Promise<number> {
  const [row] = await store.query<{ seq: number | bigint | null }>(sql`SELECT max(seq) AS seq FROM events`);
  return Number(row?.seq ?? 0);
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

/** Which rejected records: of one source, of one reason code, received before an instant. */
export interface QuarantineFilter {
  source?: string;
  code?: string;
  before?: Date;
}

function quarantineWhere(filter: QuarantineFilter): Sql {
  const parts: Sql[] = [raw('TRUE')];
  if (filter.source !== undefined) parts.push(sql`source = ${filter.source}`);
  if (filter.code !== undefined) parts.push(sql`code = ${filter.code}`);
  if (filter.before !== undefined) parts.push(sql`received_at < ${filter.before}`);
  return join(parts, ' AND ');
}

/** The latest rejected records with their reasons. */
export function listQuarantine(store: Store, limit = 100, filter: QuarantineFilter = {}): Promise<QuarantineRow[]> {
  return store.query<QuarantineRow>(sql`SELECT * FROM quarantine WHERE ${quarantineWhere(filter)} ORDER BY seq DESC LIMIT ${Math.min(Math.max(limit, 1), 10_000)}`);
}

/** What clearing the quarantine did. */
export interface QuarantineCleared {
  cleared: number;
  /** Orders waiting for a rate that matched but were kept: a `rates import` would still store them. */
  keptNoRate: number;
}

/**
 * Removes rejected records once the user has dealt with them (the corrected file imported, the client fixed). Orders
 * waiting for a rate (`no_rate`) are not rejections but orders in waiting, retried by the next `rates import`: they go
 * only when the filter names their code.
 */
export async function clearQuarantine(store: Store, filter: QuarantineFilter): Promise<QuarantineCleared> {
  return store.transaction(async (tx) => {
    const where = quarantineWhere(filter);
    const keep = filter.code === 'no_rate' ? raw('FALSE') : sql`code = ${'no_rate'}`;
    const [kept] = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM quarantine WHERE ${where} AND ${keep}`);
    const cleared = await tx.run(sql`DELETE FROM quarantine WHERE ${where} AND NOT (${keep})`);
    return { cleared, keptNoRate: Number(kept?.n ?? 0) };
  });
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
