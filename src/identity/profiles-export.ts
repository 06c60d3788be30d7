import { raw, sql, type Sql, type Store } from '../store/index.js';
import { isImportMadeAnonId, shownIdentifiers } from './import-anonymous-ids.js';
import { KeyedCursor } from './keyed-cursor.js';
import { readMapPriority } from './map-priority.js';
import { foldTraits, type IdentifyTraits, type Profile } from './profile.js';
import { activityTraitsQuery, identifyCallsQuery, orderTraitsQuery, sessionsQuery, toComputed } from './profile-traits.js';

/** One line of `profiles export` (product.md). */
export interface ExportedProfile {
  customer_id: string;
  identifiers: { type: string; value: string }[];
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
}

interface Keyed {
  customer_id: string;
}
interface IdentifyCall extends Keyed, IdentifyTraits {
  source: string;
  message_id: string;
  t: number;
  email_owned: boolean | null;
  phone_owned: boolean | null;
}
interface MapEntry extends Keyed {
  type: string;
  value: string;
  made_up: boolean;
}
/**
 * An identify call as one JSON text: each text crossing from DuckDB costs a native call and a buffer to collect,
 * and at 1M customers reading 15M texts took 19.5 s, and as long again in garbage collection.
 */
interface PackedRow {
  packed: string;
}

/**
 * Every profile, in customer-id order. Five set queries (the three computed-trait aggregates, the identify
 * calls, the identifiers), each sorted by customer id, are merged one customer at a time, so no customer's
 * traits wait in JavaScript for the others'. Each query is opened once the one before has finished its sort
 * (its first rows have come): DuckDB never builds two aggregates' hash tables at once, and holds only their
 * sorted results. At 1M customers, holding every customer's traits in JavaScript maps took 177 s and 4.1 GB,
 * and one query joining the parts ran out of DuckDB's 2 GB.
 */
export async function* exportProfiles(store: Store): AsyncIterable<ExportedProfile[]> {
  const d = store.dialect;
  const priority = await readMapPriority(store);
  const scope = { all: true as const, priority };
  const cursors: KeyedCursor<Keyed>[] = [];
  const open = async (rows: AsyncIterable<Keyed[]>): Promise<KeyedCursor<Keyed>> => {
    const cursor = await KeyedCursor.open(rows, (row) => row.customer_id);
    cursors.push(cursor);
    return cursor;
  };
  const sorted = (query: Sql) => store.stream<Keyed>(sql`SELECT * FROM (${query}) q ORDER BY customer_id`);
  try {
    const activity = await open(sorted(activityTraitsQuery(store, scope)));
    const orders = await open(sorted(orderTraitsQuery(store, scope)));
    const sessions = await open(sorted(sessionsQuery(store, scope)));
    // A customer's identify calls in time order, as one profile folds them.
    const identifies = await open(
      parsed(
        store.stream<PackedRow>(sql`SELECT ${d.jsonObject({
          customer_id: raw('customer_id'), traits: raw('traits'), context_traits: raw('context_traits'), source: raw('source'), message_id: raw('message_id'), t: d.epochMs(raw('ts')),
          email_owned: raw('email_owned'), phone_owned: raw('phone_owned'),
        })} AS packed FROM (${identifyCallsQuery(store, scope)}) i ORDER BY customer_id, ts, seq`),
      ),
    );
    // Anonymous ids imports made up are read with a mark, not left out: a guest's order has nothing else.
    const identifiers = await open(
      store.stream<MapEntry>(sql`SELECT customer_id, type, value, type = ${'anon'} AND ${isImportMadeAnonId(raw('value'))} AS made_up
        FROM customer_map ORDER BY customer_id, ${raw('type')}, value`),
    );
    let batch: ExportedProfile[] = [];
    for (let id = await identifiers.peekKey(); id !== undefined; id = await identifiers.peekKey()) {
      const members = (await identifiers.take(id)) as MapEntry[];
      const folded: { traits: Record<string, unknown>; sources: Profile['trait_sources'] } = { traits: {}, sources: {} };
      for (const call of (await identifies.take(id)) as IdentifyCall[]) foldTraits(folded, { ...call, ts: new Date(call.t) });
      batch.push({
        customer_id: id,
        identifiers: shownIdentifiers(members, (m) => m.made_up).map((m) => ({ type: m.type, value: m.value })),
        traits: folded.traits,
        computed: toComputed(await first(activity, id), await first(orders, id), await first(sessions, id)),
      });
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}

/** A customer's row of an aggregate: one at most. */
async function first(cursor: KeyedCursor<Keyed>, id: string): Promise<Record<string, unknown> | undefined> {
  return (await cursor.take(id))[0] as Record<string, unknown> | undefined;
}

async function* parsed(rows: AsyncIterable<PackedRow[]>): AsyncIterable<Keyed[]> {
  for await (const chunk of rows) yield chunk.map((row) => JSON.parse(row.packed) as Keyed);
}
