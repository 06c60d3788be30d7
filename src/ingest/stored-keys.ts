import { raw, sql, type Sql, type Store, type StoreTx } from '../store/index.js';
import { newestEventSeq } from './event-queries.js';
import { KeyFilter } from './key-filter.js';

/**
 * Which staged messages the event log holds already. Asking DuckDB scans every stored `message_key` (there is no
 * index: an ART index on it made each write cost more as the log grew), so a write's check grows with the log: a
 * write of 2,000 new messages took ~230 ms at 30M stored events against ~175 ms without the scan, and every load of the
 * HTTP log pays it, up to five a second under traffic. A filter of the stored keys held in memory answers "not
 * stored" for almost every new key, so the scan runs only for a write holding a key the filter is not sure of: a
 * replayed message, or a rare false positive (see KeyFilter).
 *
 * A log of fewer than `fromEvents` events is asked directly: its scan is cheap, and a filter would be rebuilt often
 * while a young log doubles. Past it, the store's single writing process owns the filter, and every write adds its
 * keys inside its transaction (a write rolled back leaves keys the log does not hold: false positives, which cost a
 * scan and nothing else). The filter is built from `events` by reader queries in the background, so a write does not
 * wait for it: ~4–6 B of memory and ~0.2 µs a stored event (~7 s at 30M). Until it is ready, writes ask the log, and
 * their keys wait in `pending` to be added once it is. A build starts only inside a write (writes are serialized),
 * so every write either committed before the build's queries began, and they see it, or comes after, and is pending.
 */

/** Room made for keys beyond the log's when the filter is built: outgrowing it means reading every stored key again. */
const GROWTH = 1.5;

/**
 * `fromEvents`: below this many stored events (by seq) a write asks the log and no filter is held (at 10M events a write of
 * 2,000 new messages took 177 ms with the filter and 182 ms without: the scan is not yet what a write costs);
 * `largeWrite`: a write of more new keys asks the log without starting a filter (a full filter calls one new key in
 * 28,000 "maybe"); `minCapacity`: the filter's smallest room; `buildSlice`: the seq span of stored keys read per query
 * when it is built (two 4-byte words a key). Tests make them small; `enabled: false` makes every write ask the log
 * (benchmarks); `serverFromEvents`: a server starting on at least this many stored events builds its filter at once
 * (startStoredKeyFilter).
 */
export const storedKeyFilterSettings = { enabled: true, fromEvents: 10_000_000, serverFromEvents: 1_000_000, largeWrite: 50_000, minCapacity: 1 << 20, buildSlice: 4_000_000 };

/** Tests hold a build between its reads of the log and its install, to make writes land in between. */
export const storedKeyFilterHooks: { beforeInstall?: () => Promise<void> } = {};

interface FilterState {
  filter?: KeyFilter;
  /** Keys of the writes made while a filter is built, as word pairs. */
  pending?: [Uint32Array, Uint32Array][];
  /** The build under way (tests and benchmarks wait for it). */
  building?: Promise<void>;
}

const states = new WeakMap<Store, FilterState>();

function stateOf(store: Store): FilterState {
  let state = states.get(store);
  if (state === undefined) states.set(store, (state = {}));
  return state;
}

/**
 * Marks the `event` rows of the `staged_keys` temp table whose key `events` holds as `duplicate`. Runs in the
 * writing transaction, before the staged rows are written at seqs above `seqBase`.
 */
export async function markStoredDuplicates(tx: StoreTx, store: Store, seqBase: number): Promise<void> {
  const state = stateOf(store);
  const settings = storedKeyFilterSettings;
  const none = state.filter === undefined && state.pending === undefined;
  // A young log is asked directly. Its size is read from the write's seqBase: every row written before this one has a
  // seq below it (imports leave gaps, so it runs ahead of the count of events, which only starts a filter sooner).
  if (!settings.enabled || (none && seqBase < settings.fromEvents)) return askTheLog(tx);
  if (none) {
    // So is a write of more keys than a filter could clear (one of them would be a false positive): an import's chunks
    // of 200,000 rows start no filter, so `tessera import` never builds one.
    const [row] = await tx.query<{ n: number | null }>(sql`SELECT count(*) AS n FROM staged_keys WHERE kind = 'event'`);
    if (Number(row?.n ?? 0) > settings.largeWrite) return askTheLog(tx);
  }
  const [a, b] = await tx.uint32Columns(sql`SELECT ${keyWordsOf(store, raw('key'))} FROM staged_keys WHERE kind = 'event'`);
  if (a === undefined || b === undefined || a.length === 0) return;
  const filter = state.filter;
  if (filter !== undefined && filter.count + a.length <= filter.capacity) {
    if (filter.mightHaveAny(a, b)) await askTheLog(tx);
    filter.addAll(a, b);
    return;
  }
  await askTheLog(tx);
  if (state.pending !== undefined) {
    state.pending.push([a, b]);
    return;
  }
  // None yet, or this write would overfill it: a new one, with room for the log as it will be.
  state.filter = undefined;
  state.pending = [[a, b]];
  state.building = build(store, state, a.length);
}

/**
 * Starts the build of the filter now, for a process that writes for long (a server) on a log of at least
 * `serverFromEvents` events, instead of at a write. Its first writes would ask the log, and in a fresh process that
 * scan reads every stored key from disk: 209 ms at 3.2M events, against 13 ms once they are cached, which a lone
 * identify right after a start waited for. Inside a write transaction, as a build started by a write is: every
 * write either committed before its queries began, or comes after and finds its keys pending. The build goes on in
 * the background (storedKeyFilterBuild).
 */
export async function startStoredKeyFilter(store: Store): Promise<void> {
  const settings = storedKeyFilterSettings;
  if (!settings.enabled) return;
  await store.transaction(async (tx) => {
    const state = stateOf(store);
    if (state.filter !== undefined || state.pending !== undefined) return;
    if ((await newestEventSeq(tx)) < settings.serverFromEvents) return;
    state.pending = [];
    state.building = build(store, state, 0);
  });
}

/** The background build of a store's filter, if one is under way (tests wait for it). */
export function storedKeyFilterBuild(store: Store): Promise<void> | undefined {
  return states.get(store)?.building;
}

/** The memory of a store's filter of stored keys, when it has one (benchmarks report it). */
export function storedKeyFilterBytes(store: Store): number | undefined {
  return states.get(store)?.filter?.bytes;
}

async function askTheLog(tx: StoreTx): Promise<void> {
  // A semi-join built on the staged keys, whose filter DuckDB pushes into the scan of events; a NOT EXISTS per row
  // would be a mark join with its hash table on every stored key (~50 bytes a stored event).
  await tx.run(sql`UPDATE staged_keys SET kind = 'duplicate' WHERE kind = 'event' AND key IN (
    SELECT e.message_key FROM events e WHERE e.message_key IN (SELECT key FROM staged_keys WHERE kind = 'event'))`);
}

function keyWordsOf(store: Store, column: Sql): Sql {
  const [a, b] = store.dialect.keyWords(column);
  return sql`${a} AS a, ${b} AS b`;
}

async function build(store: Store, state: FilterState, incoming: number): Promise<void> {
  try {
    const [range] = await store.query<{ n: number | null; lo: number | null; hi: number | null }>(sql`SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events`);
    const stored = Number(range?.n ?? 0);
    const filter = new KeyFilter(Math.max(storedKeyFilterSettings.minCapacity, Math.ceil((stored + incoming) * GROWTH)));
    if (stored > 0) {
      const slice = storedKeyFilterSettings.buildSlice;
      for (let from = Number(range?.lo ?? 0); from <= Number(range?.hi ?? 0); from += slice) {
        const [a, b] = await store.uint32Columns(sql`SELECT ${keyWordsOf(store, raw('message_key'))} FROM events WHERE seq >= ${from} AND seq < ${from + slice}`);
        if (a !== undefined && b !== undefined) filter.addAll(a, b);
      }
    }
    await storedKeyFilterHooks.beforeInstall?.();
    // Writes committed after the queries above began are pending; adding a key twice costs nothing.
    for (const [a, b] of state.pending ?? []) filter.addAll(a, b);
    state.filter = filter;
  } catch {
    // The store closing, most likely: the next write starts another build.
  } finally {
    state.pending = undefined;
    state.building = undefined;
  }
}
