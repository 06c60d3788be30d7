import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBDoubleVector, type DuckDBIntegerVector } from '@duckdb/node-api';
import { ensureCapacity } from '../../src/identity/typed-buffers.js';
import { duckdbDialect } from '../../src/store/duckdb/duckdb-dialect.js';
import { ident, join as joinSql, renderSql, sql, type Sql } from '../../src/store/index.js';
import type { Workspace } from '../../src/server/index.js';
import { IDENTIFIER_COLUMNS as COLUMNS, timeDictionaryUpkeep, type DictionaryUpkeep } from './dictionary-upkeep.js';
import { cpuSecondsSince, round2 } from './harness.js';
import { timeTableWrite } from './table-write.js';

/** What a rebuild over integer identifier columns would pay outside its resolution, measured on this store. */
export interface IntegerFloor {
  /** Building the dictionary and the integer columns, once: the work ingestion would do as events arrive. */
  setupMs: number;
  identifiers: number;
  /** DuckDB running the integer rebuild query (sort included) into a table of its rows: the text reference's counterpart. */
  queryMs: number;
  /** The same query's rows read into JavaScript typed arrays on a read-only connection of its own, crossing included: what such a rebuild would read. */
  readIntoJsMs: number;
  observations: number;
  occurrences: number;
  /** DuckDB writing an integer map (identifier number, customer number) alone into a fresh table. */
  mapWriteMs: number;
  /** queryMs + mapWriteMs: the least such a rebuild takes, resolving in no time. */
  floorMs: number;
  /** CPU seconds of each step, every thread of this process (DuckDB's included): on a machine of two cores, what bounds a rebuild is its work. */
  cpuSeconds: { query: number; readIntoJs: number; mapWrite: number };
  /** What keeping the dictionary as events arrive would cost ingestion. */
  upkeep: DictionaryUpkeep;
}

/**
 * The route docs/architecture.md names for issue 4's 8 s rebuild through the store, measured instead of argued: an
 * identifier dictionary kept as events arrive, so each event carries integer identifier columns and the map holds
 * integers. Builds that state here (untimed as a rebuild's cost: ingestion would pay it), then times what a rebuild
 * over it would pay besides resolving: reading the first event of each distinct set of identifier numbers, in
 * canonical order, and writing the integer map. The tables are dropped at the end. `open` opens the data directory
 * afresh for each timing, as the text reference and floor are timed.
 */
export async function timeIntegerFloor(open: () => Promise<Workspace>, dataDir: string): Promise<IntegerFloor> {
  let ws = await open();
  try {
    let t = performance.now();
    const occurrences = COLUMNS.map(([type, column]) => sql`SELECT ${type} AS type, ${ident(column)} AS value, ts, message_id FROM events WHERE ${ident(column)} IS NOT NULL`);
    // Numbered by first sighting in canonical order, as the graph numbers identifiers.
    await ws.store.run(sql`CREATE OR REPLACE TABLE bench_dict AS
      SELECT type, value, CAST(row_number() OVER (ORDER BY min(ts), min(message_id), type) - 1 AS INTEGER) AS id
      FROM (${joinSql(occurrences, ' UNION ALL ')}) o GROUP BY type, value`);
    const joins = COLUMNS.map(([type, column]) => sql` LEFT JOIN bench_dict ${ident(`d_${column}`)} ON ${ident(`d_${column}`, 'type')} = ${type} AND ${ident(`d_${column}`, 'value')} = ${ident('e', column)}`);
    const ids = COLUMNS.map(([, column]) => sql`${ident(`d_${column}`, 'id')} AS ${ident(`${column}_i`)}`);
    await ws.store.run(sql`CREATE OR REPLACE TABLE bench_events_i AS
      SELECT e.seq, e.message_id, e.ts, ${joinSql(ids)} FROM events e${joinSql(joins, '')} ORDER BY e.seq`);
    // The map as integers: each identifier's number and its customer's.
    await ws.store.run(sql`CREATE OR REPLACE TABLE bench_map_i AS
      SELECT d.id, CAST(dense_rank() OVER (ORDER BY m.customer_id) AS INTEGER) AS customer
      FROM customer_map m JOIN bench_dict d ON d.type = m.type AND d.value = m.value`);
    await ws.store.run(sql`CHECKPOINT`);
    const setupMs = performance.now() - t;
    const [dict] = await ws.store.query<{ n: number }>(sql`SELECT count(*) AS n FROM bench_dict`);
    await ws.close();

    ws = await open();
    t = performance.now();
    let cpu = process.cpuUsage();
    await ws.store.run(sql`CREATE OR REPLACE TEMP TABLE bench_int_reference AS ${integerRebuildQuery()}`);
    const queryMs = performance.now() - t;
    const queryCpu = cpuSecondsSince(cpu);
    await ws.store.run(sql`DROP TABLE bench_int_reference`);
    await ws.close();

    t = performance.now();
    cpu = process.cpuUsage();
    const read = await readIntoTypedArrays(join(dataDir, 'tessera.duckdb'));
    const readIntoJsMs = performance.now() - t;
    const readCpu = cpuSecondsSince(cpu);

    const mapWrite = await timeTableWrite(join(dataDir, 'tessera.duckdb'), 'bench_map_i', join(dataDir, 'bench-int-floor.duckdb'));
    const mapWriteMs = mapWrite.ms;
    ws = await open();
    const upkeep = await timeDictionaryUpkeep(ws.store, 'bench_dict');
    await ws.close();
    return {
      setupMs: Math.round(setupMs),
      identifiers: Number(dict?.n),
      queryMs: Math.round(queryMs),
      readIntoJsMs: Math.round(readIntoJsMs),
      observations: read.observations,
      occurrences: read.occurrences,
      mapWriteMs: Math.round(mapWriteMs),
      floorMs: Math.round(queryMs + mapWriteMs),
      cpuSeconds: { query: round2(queryCpu), readIntoJs: round2(readCpu), mapWrite: round2(mapWrite.cpuSeconds) },
      upkeep,
    };
  } finally {
    await ws.close();
    ws = await open();
    for (const table of ['bench_dict', 'bench_events_i', 'bench_map_i']) await ws.store.run(sql`DROP TABLE IF EXISTS ${ident(table)}`);
    await ws.store.run(sql`CHECKPOINT`);
    await ws.close();
  }
}

/** The rebuild's own query (firstEventOfEachIdentifierSet) over integer columns: no identifier text is read. */
function integerRebuildQuery(): Sql {
  const ids = COLUMNS.map(([, column]) => sql`${ident(`${column}_i`)}`);
  const list = joinSql(ids);
  return sql`SELECT CAST(t AS DOUBLE) AS t, ${list} FROM (
      SELECT epoch_ms(ts) AS t, message_id, ${list}, row_number() OVER (PARTITION BY ${list} ORDER BY ts, message_id) AS nth FROM bench_events_i
    ) s WHERE nth = 1 ORDER BY t, message_id`;
}

/**
 * The integer query's rows as a rebuild would hold them: a time column and each observation's identifier numbers end to
 * end, read from the vectors value by value on a read-only connection of its own. `Store.streamColumns` builds a JS array
 * per column and chunk first, which took 4.25 s against 2.8 s this way at 1M people.
 */
async function readIntoTypedArrays(databaseFile: string): Promise<{ observations: number; occurrences: number }> {
  const db = await DuckDBInstance.create(databaseFile, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    const rendered = renderSql(integerRebuildQuery(), duckdbDialect);
    if (rendered.params.length > 0) throw new Error('the integer rebuild query is read without parameters');
    const result = await c.stream(rendered.text);
    let times = new Float64Array(1 << 20);
    let ids = new Int32Array(1 << 21);
    let observations = 0;
    let occurrences = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      times = ensureCapacity(times, observations + n);
      ids = ensureCapacity(ids, occurrences + n * COLUMNS.length);
      const t = chunk.getColumnVector(0) as DuckDBDoubleVector;
      const columns = COLUMNS.map((_, k) => chunk.getColumnVector(k + 1) as DuckDBIntegerVector);
      for (let i = 0; i < n; i++) {
        times[observations++] = t.getItem(i) ?? 0;
        for (const column of columns) {
          const x = column.getItem(i);
          if (x !== null) ids[occurrences++] = x;
        }
      }
    }
    return { observations, occurrences };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
