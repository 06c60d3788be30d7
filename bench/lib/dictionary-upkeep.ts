import { performance } from 'node:perf_hooks';
import { ByteStrings } from '../../src/identity/string-arena.js';
import { ensureCapacity } from '../../src/identity/typed-buffers.js';
import { ValueIndex } from '../../src/identity/value-index.js';
import { ident, join as joinSql, raw, sql, type Sql, type Store } from '../../src/store/index.js';
import { cpuSecondsSince, median, round2 } from './harness.js';

/** What keeping an identifier dictionary as events arrive would cost ingestion, measured two ways on the bench's store. */
export interface DictionaryUpkeep {
  /**
   * In SQL, as a loader or an import sharing nothing but the store would do it: per load of `messages` events, the
   * identifiers the dictionary lacks numbered and inserted, then the load's events joined to their numbers.
   */
  sql: { loads: number; messages: number; medianMs: number; maxMs: number };
  /** In memory, as one process holding the dictionary would do it: reading the dictionary into it once (a start's cost). */
  memoryLoadMs: number;
  memoryLoadCpuSeconds: number;
  /** Then numbering each message's identifiers against it (known ones found, new ones added). */
  memoryMessages: number;
  memoryMicrosPerMessage: number;
}

/** The identifier columns of `events` a dictionary would number (the bench's events carry no external ids or aliases). */
export const IDENTIFIER_COLUMNS = [
  ['user', 'user_id'],
  ['anon', 'anonymous_id'],
  ['email', 'email'],
  ['phone', 'phone'],
] as const;
const LOADS = 10;
const LOAD_MESSAGES = 2_000;
/** A load's share of first-time visitors: each brings an anonymous id the dictionary lacks. */
const NEW_SHARE = 0.1;
const MEMORY_MESSAGES = 500_000;

/** The dictionary held in a process: identifier numbers by (type, value), over bytes as the graph holds its identifiers. */
class HeldDictionary {
  count = 0;
  private at = new Uint32Array(0);
  private length = new Int32Array(0);
  private typeOf = new Uint8Array(0);
  private readonly strings = new ByteStrings();
  private readonly index = new ValueIndex();

  matches(x: number, typeId: number, value: string): boolean {
    return this.typeOf[x] === typeId && this.strings.equals(this.at[x]!, this.length[x]!, value);
  }

  /** The number of (typeId, value), added as the next one when the dictionary lacks it. */
  number(typeId: number, value: string): number {
    const h = ValueIndex.hash(typeId, value);
    const known = this.index.find(typeId, value, h, this);
    if (known >= 0) return known;
    const x = this.count++;
    this.at = ensureCapacity(this.at, x + 1);
    this.length = ensureCapacity(this.length, x + 1);
    this.typeOf = ensureCapacity(this.typeOf, x + 1);
    this.at[x] = this.strings.append(value);
    this.length[x] = this.strings.lastLength;
    this.typeOf[x] = typeId;
    this.index.insert(x, h);
    return x;
  }
}

/** The identifiers of `rows` (a select with the four identifier columns) as (type, value) rows. */
function occurrences(rows: Sql): Sql {
  return joinSql(
    IDENTIFIER_COLUMNS.map(([type, column]) => sql`SELECT ${type} AS type, ${ident(column)} AS value FROM (${rows}) r WHERE ${ident(column)} IS NOT NULL`),
    ' UNION ALL ',
  );
}

/**
 * Times both ways over `dictionary` (type, value, id: every identifier of the store's events, numbered) on a store whose
 * events it numbers. Rows the SQL loads add to the dictionary stay in it; the caller drops the table.
 */
export async function timeDictionaryUpkeep(store: Store, dictionary: string): Promise<DictionaryUpkeep> {
  const dict = ident(dictionary);
  const loadTimes: number[] = [];
  for (let load = 0; load < LOADS; load++) {
    const fresh = Math.round(LOAD_MESSAGES * NEW_SHARE);
    // Returning people's events (their identifiers known), and first-time visitors with an anonymous id of their own.
    await store.run(sql`CREATE OR REPLACE TEMP TABLE bench_load AS
      SELECT user_id, anonymous_id, email, phone FROM events USING SAMPLE ${raw(String(LOAD_MESSAGES - fresh))} ROWS
      UNION ALL SELECT NULL, ${`bench-new-${load}-`} || CAST(range AS VARCHAR), NULL, NULL FROM range(${fresh})`);
    const t = performance.now();
    await store.transaction(async (tx) => {
      await tx.run(sql`CREATE OR REPLACE TEMP TABLE bench_load_ids AS SELECT DISTINCT type, value FROM (${occurrences(sql`SELECT * FROM bench_load`)}) o`);
      // One scan of the dictionary, filtered by the load's own identifiers. Joining the load's four columns to the
      // dictionary directly took ~1 s a load at 5.2M identifiers: each join hashed the dictionary's side.
      await tx.run(sql`CREATE OR REPLACE TEMP TABLE bench_load_numbered AS
        SELECT d.type, d.value, d.id FROM ${dict} d SEMI JOIN bench_load_ids l ON d.type = l.type AND d.value = l.value`);
      await tx.run(sql`CREATE OR REPLACE TEMP TABLE bench_load_new AS
        SELECT l.type, l.value, CAST((SELECT coalesce(max(id), -1) FROM ${dict}) + row_number() OVER (ORDER BY l.type, l.value) AS INTEGER) AS id
        FROM bench_load_ids l ANTI JOIN bench_load_numbered f ON f.type = l.type AND f.value = l.value`);
      await tx.run(sql`INSERT INTO ${dict} SELECT * FROM bench_load_new`);
      await tx.run(sql`INSERT INTO bench_load_numbered SELECT * FROM bench_load_new`);
      // The numbers the load's events would be written with.
      const joins = IDENTIFIER_COLUMNS.map(
        ([type, column]) =>
          sql` LEFT JOIN bench_load_numbered ${ident(`d_${column}`)} ON ${ident(`d_${column}`, 'type')} = ${type} AND ${ident(`d_${column}`, 'value')} = ${ident('l', column)}`,
      );
      const ids = IDENTIFIER_COLUMNS.map(([, column]) => sql`${ident(`d_${column}`, 'id')} AS ${ident(`${column}_i`)}`);
      const [row] = await tx.query<{ n: number; missing: number }>(
        sql`SELECT count(*) AS n, count(*) FILTER (WHERE anonymous_id_i IS NULL AND anonymous_id IS NOT NULL) AS missing
          FROM (SELECT l.anonymous_id, ${joinSql(ids)} FROM bench_load l${joinSql(joins, '')}) j`,
      );
      if (Number(row?.n) !== LOAD_MESSAGES || Number(row?.missing) !== 0) throw new Error(`a load of ${LOAD_MESSAGES} events numbered ${String(row?.n)}, ${String(row?.missing)} anonymous ids without a number`);
      for (const table of ['bench_load_ids', 'bench_load_numbered', 'bench_load_new']) await tx.run(sql`DROP TABLE ${ident(table)}`);
    });
    loadTimes.push(performance.now() - t);
  }
  await store.run(sql`DROP TABLE bench_load`);

  const held = new HeldDictionary();
  const typeIds = new Map<string, number>(IDENTIFIER_COLUMNS.map(([type], k) => [type, k]));
  let t = performance.now();
  let cpu = process.cpuUsage();
  for await (const chunk of store.streamColumns<{ type: string; value: string }>(sql`SELECT type, value FROM ${dict} ORDER BY id`, 8_192)) {
    const { type, value } = chunk.columns;
    for (let i = 0; i < chunk.length; i++) held.number(typeIds.get(type[i]!)!, value[i]!);
  }
  const memoryLoadMs = performance.now() - t;
  const memoryLoadCpuSeconds = cpuSecondsSince(cpu);

  // Messages as a server prepares them: their identifiers are JS strings already, so reading them is not timed.
  const messages: (string | null)[][] = [];
  for await (const chunk of store.streamColumns<Record<(typeof IDENTIFIER_COLUMNS)[number][1], string | null>>(
    sql`SELECT user_id, anonymous_id, email, phone FROM events USING SAMPLE ${raw(String(MEMORY_MESSAGES))} ROWS`,
    8_192,
  )) {
    const c = chunk.columns;
    for (let i = 0; i < chunk.length; i++) messages.push([c.user_id[i]!, i % 10 === 0 ? `bench-held-${messages.length}` : c.anonymous_id[i]!, c.email[i]!, c.phone[i]!]);
  }
  t = performance.now();
  cpu = process.cpuUsage();
  let sink = 0;
  for (const message of messages) {
    for (let k = 0; k < IDENTIFIER_COLUMNS.length; k++) {
      const value = message[k];
      if (value != null) sink ^= held.number(k, value);
    }
  }
  const memoryMs = performance.now() - t;
  if (sink === 0.5) console.log('');
  return {
    sql: { loads: LOADS, messages: LOAD_MESSAGES, medianMs: round2(median(loadTimes)), maxMs: round2(Math.max(...loadTimes)) },
    memoryLoadMs: Math.round(memoryLoadMs),
    memoryLoadCpuSeconds: round2(memoryLoadCpuSeconds),
    memoryMessages: messages.length,
    memoryMicrosPerMessage: round2((memoryMs * 1000) / messages.length),
  };
}

