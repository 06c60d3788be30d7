import { raw, sql, type ColumnChunk, type Sql, type Store } from '../store/index.js';
import type { Identifier } from './identifier.js';
import type { Observation } from './identity-state.js';

/** The identifier columns of one event. */
export interface EventIdentifiers {
  seq: number;
  message_id: string;
  t: number;
  user_id: string | null;
  anonymous_id: string | null;
  email: string | null;
  phone: string | null;
  previous_id: string | null;
  external_ids: string | null;
}

/**
 * An event's identifier columns as read: the texts of PACKED in `ids` (Dialect.packText), or, for the rare
 * event where a value holds a NUL, in `ids_json` (a JSON array). Reading millions of events, each text
 * crossing from DuckDB into JavaScript costs a native call of its own; one per event instead of six made
 * a start at 1M people 18% faster (40.6 s → 33.4 s).
 */
export interface PackedEventIdentifiers {
  seq: number;
  t: number;
  ids: string | null;
  ids_json: string | null;
  external_ids: string | null;
}

const PACKED = ['message_id', 'user_id', 'anonymous_id', 'email', 'phone', 'previous_id'] as const;

/**
 * Every identifier of the events after `afterSeq` up to `upToSeq`, in canonical order (time, then
 * messageId), so events later than the graph take its append-only path. External ids (`context.externalIds`)
 * come from their own column, written with the event: whatever the source (imports, identify calls and
 * server-side tracks all carry them), no message text is read.
 */
export function eventIdentifiersQuery(store: Store, afterSeq: number, upToSeq: number): Sql {
  return packed(store, identifierColumns(store, sql`seq > ${afterSeq} AND seq <= ${upToSeq}`));
}

/**
 * The first event, in canonical order (milliseconds, then message id, as the graph orders), of each distinct set of identifiers up to `upToSeq`: what a full
 * rebuild needs. Resolving in canonical order, a later event with the same identifiers as an earlier one
 * changes nothing: the earlier one merged them (they stay merged, components only grow during a
 * resolution) or was refused (the components it would join have only grown, so it would be refused
 * again), and each identifier's first sighting is the first event of some set holding it. A visitor's
 * hundred page views with one anonymous id are one observation, not a hundred read into JavaScript.
 */
export function firstEventOfEachIdentifierSet(store: Store, upToSeq: number, span: TimeSpan = {}): Sql {
  // Bounds on the column itself, so DuckDB filters in its scan (and skips row groups by their min and max).
  const from = span.fromMs === undefined ? sql`` : sql` AND ts >= ${new Date(span.fromMs)}`;
  const to = span.toMs === undefined ? sql`` : sql` AND ts < ${new Date(span.toMs)}`;
  const sets = sql`SELECT * FROM (
      SELECT *, row_number() OVER (PARTITION BY user_id, anonymous_id, email, phone, previous_id, external_ids ORDER BY t, message_id) AS nth
      FROM (${identifierColumns(store, sql`seq <= ${upToSeq}${from}${to}`)}) e
    ) sets WHERE nth = 1`;
  return packed(store, sets);
}

/** Events from `fromMs` (inclusive) to `toMs` (exclusive), epoch milliseconds; either end open when left out. */
export interface TimeSpan {
  fromMs?: number;
  toMs?: number;
}

/**
 * The events up to `upToSeq` cut by time into about `parts` spans of as many events each, in order. Whole
 * milliseconds bound them, so events of one millisecond (which canonical order sorts by message id) share
 * a span, and the spans in order are canonical order.
 */
export async function eventTimeSpans(store: Store, upToSeq: number, parts: number): Promise<TimeSpan[]> {
  if (parts <= 1) return [{}];
  const fractions = Array.from({ length: parts - 1 }, (_, k) => (k + 1) / parts);
  const [row] = await store.query<{ q: unknown }>(sql`SELECT ${store.dialect.quantiles(store.dialect.epochMs(raw('ts')), fractions)} AS q FROM events WHERE seq <= ${upToSeq}`);
  const cuts = [...new Set((Array.isArray(row?.q) ? row.q : []).map(Number).filter((n) => Number.isFinite(n)))].sort((a, b) => a - b);
  const spans: TimeSpan[] = [];
  let from: number | undefined;
  for (const cut of cuts) {
    spans.push(from === undefined ? { toMs: cut } : { fromMs: from, toMs: cut });
    from = cut;
  }
  spans.push(from === undefined ? {} : { fromMs: from });
  return spans;
}

/** The rows of `rows` (identifierColumns) as PackedEventIdentifiers, in canonical order. */
function packed(store: Store, rows: Sql): Sql {
  const columns = PACKED.map((name) => raw(name));
  return sql`SELECT CAST(seq AS DOUBLE) AS seq, CAST(t AS DOUBLE) AS t, ids,
      CASE WHEN ids IS NULL THEN ${store.dialect.jsonArray(columns)} END AS ids_json, external_ids
    FROM (SELECT *, ${store.dialect.packText(columns)} AS ids FROM (${rows}) r) p
    ORDER BY p.t, p.message_id`;
}

/**
 * The identifier columns of the events `where` selects. Only an alias needs its message (its previousId), so
 * aliases are read apart: a `CASE` on the type in one select made DuckDB scan every message's text, which at
 * 3.2M events of shop-sized messages doubled the first rebuild query of a process (cold first chunk 7.7 s →
 * 4.1 s, peak memory 2.6 → 1.8 GB), where a filter on the type lets the scan skip the message of the rest.
 */
function identifierColumns(store: Store, where: Sql): Sql {
  const d = store.dialect;
  const columns = (previousId: Sql) => sql`SELECT seq, message_id, ${d.epochMs(raw('ts'))} AS t, user_id, anonymous_id, email, phone,
      ${previousId} AS previous_id, external_ids FROM events`;
  return sql`${columns(sql`CAST(NULL AS VARCHAR)`)} WHERE type <> 'alias' AND ${where}
    UNION ALL ${columns(d.jsonText(raw('message'), ['previousId']))} WHERE type = 'alias' AND ${where}`;
}

function externalIds(text: string | null): Identifier[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: Identifier[] = [];
  for (const item of parsed) {
    if (!item || typeof item !== 'object') continue;
    const { type, id } = item as { type?: unknown; id?: unknown };
    if (typeof type !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) continue;
    const t = type.trim().toLowerCase();
    // Segment's own external id types map onto ours; anything else is a source-declared type.
    out.push({ type: t === 'user_id' ? 'user' : t === 'anonymous_id' ? 'anon' : t, value: String(id) });
  }
  return out;
}

/** The address without its `+tag` (`ann+shop@x.com` → `ann@x.com`), undefined when there is no tag. */
export function mailboxOf(email: string): string | undefined {
  const plus = email.indexOf('+');
  const at = email.lastIndexOf('@');
  if (plus <= 0 || at < plus) return undefined;
  return email.slice(0, plus) + email.slice(at);
}

/** How events become observations: whether a sub-addressed email also links its plain address. */
export interface ObservationOptions {
  subaddress?: boolean;
}

/** One event's identifiers as an observation of the identity graph. */
export function toObservation(row: EventIdentifiers, options: ObservationOptions = {}): Observation {
  const ids: Identifier[] = [];
  if (row.user_id) ids.push({ type: 'user', value: row.user_id });
  if (row.email) {
    ids.push({ type: 'email', value: row.email });
    const mailbox = options.subaddress ? mailboxOf(row.email) : undefined;
    if (mailbox !== undefined) ids.push({ type: 'email', value: mailbox });
  }
  if (row.phone) ids.push({ type: 'phone', value: row.phone });
  ids.push(...externalIds(row.external_ids));
  if (row.anonymous_id) ids.push({ type: 'anon', value: row.anonymous_id });
  // An alias says the previous id (an anonymous id in Segment's browser flow) is this user.
  if (row.previous_id && row.previous_id !== row.anonymous_id) ids.push({ type: 'anon', value: row.previous_id });
  return { messageId: row.message_id, timestamp: Number(row.t), identifiers: ids };
}

/** The observations of a chunk of events read as columns (Store.streamColumns), in the chunk's order. */
export function toObservations(chunk: ColumnChunk<PackedEventIdentifiers>, options: ObservationOptions = {}): Observation[] {
  const c = chunk.columns;
  const out: Observation[] = new Array(chunk.length);
  for (let i = 0; i < chunk.length; i++) {
    const ids = c.ids[i];
    // In PACKED's order; empty and NULL are alike here: neither is an identifier.
    const p = (ids == null ? JSON.parse(c.ids_json[i]!) : ids.split('\0')) as (string | null)[];
    out[i] = toObservation(
      { seq: c.seq[i]!, message_id: p[0]!, t: c.t[i]!, user_id: p[1]!, anonymous_id: p[2]!, email: p[3]!, phone: p[4]!, previous_id: p[5]!, external_ids: c.external_ids[i]! },
      options,
    );
  }
  return out;
}
