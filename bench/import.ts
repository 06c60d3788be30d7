// npm run bench:import — file imports (canonical orders CSV, the same rows as Parquet, Segment NDJSON)
// into a fresh data directory each, with standardization and the durable write, against DuckDB's own
// read_csv / read_parquet / read_json of the same file into a bare table, measured in the same run.
// BENCH_ROWS (default 1,000,000) sets the rows of each file.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { importFile, importSegmentFile } from '../src/ingest/index.js';
import { ordersMapping } from '../src/ingest/import-formats.js';
import { parseMapping } from '../src/ingest/mapping.js';
import { openWorkspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { messageJson } from './lib/messages.js';
import { fmt, saveResult } from './lib/harness.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const settings = { threads: '2', memory_limit: '2GB' };

/** The canonical orders CSV (two lines an order on average, three currencies) and its Parquet twin, written by DuckDB. */
async function writeOrderFiles(dir: string): Promise<{ csv: string; parquet: string }> {
  const csv = join(dir, 'orders.csv');
  const parquet = join(dir, 'orders.parquet');
  const db = await DuckDBInstance.create(':memory:', settings);
  const c = await db.connect();
  await c.run(`CREATE TABLE o AS SELECT
      'O' || (i // 2) AS order_id,
      CASE WHEN i % 7 = 0 THEN ' Customer' || ((i // 2) % 150000) || '@Example.com ' ELSE 'customer' || ((i // 2) % 150000) || '@example.com' END AS email,
      CASE WHEN i % 3 = 0 THEN 'C' || ((i // 2) % 150000) END AS customer_id,
      strftime(TIMESTAMP '2024-01-01' + to_seconds((i // 2) * 30), '%Y-%m-%d %H:%M:%S') AS created_at,
      ['USD', 'EUR', 'GBP'][1 + (i // 2) % 3] AS currency,
      round(20 + ((i // 2) % 97), 2) AS total,
      CASE WHEN (i // 2) % 50 = 0 THEN 'refunded' WHEN (i // 2) % 71 = 0 THEN 'cancelled' ELSE 'completed' END AS status,
      'SKU-' || (i % 900) AS sku, 'Organic cotton t-shirt ' || (i % 900) AS product_name, 'shirts' AS category,
      1 + i % 3 AS quantity, round(10 + (i % 90) / 2, 2) AS price
    FROM range(${rows}) t(i)`);
  await c.run(`COPY o TO '${csv}' (HEADER)`);
  await c.run(`COPY (SELECT * REPLACE (CAST(total AS VARCHAR) AS total, CAST(quantity AS VARCHAR) AS quantity, CAST(price AS VARCHAR) AS price) FROM o) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return { csv, parquet };
}

async function writeNdjson(dir: string): Promise<string> {
  const path = join(dir, 'events.ndjson');
  const out = createWriteStream(path);
  let buf: string[] = [];
  for (let i = 0; i < rows; i++) {
    buf.push(messageJson(`m-${i}`, i));
    if (buf.length === 10_000) {
      if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
      buf = [];
    }
  }
  if (buf.length > 0) out.write(buf.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  return path;
}

/** DuckDB alone: the file into a bare table of a fresh database file (rows/s). */
async function reference(dir: string, name: string, reader: string): Promise<number> {
  const db = await DuckDBInstance.create(join(dir, `ref-${name}.duckdb`), settings);
  const c = await db.connect();
  const t = performance.now();
  await c.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
  await c.run('CHECKPOINT');
  const seconds = (performance.now() - t) / 1000;
  c.closeSync();
  db.closeSync();
  return rows / seconds;
}

/** Tessera: the file into a fresh data directory (rows/s, and the summary's counts). */
async function tessera(dir: string, name: string, run: (ws: Awaited<ReturnType<typeof openWorkspace>>) => Promise<{ written: number; rowsRead: number }>): Promise<{ rate: number; written: number }> {
  const config = TesseraConfig.parse({ dataDir: join(dir, `data-${name}`), logLevel: 'silent', workspace: { baseCurrency: 'USD' } });
  const ws = await openWorkspace(config, pino({ level: 'silent' }));
  // Rates for every day and currency of the files, so no order waits in quarantine.
  await ws.store.run(sql`INSERT INTO rates SELECT d::DATE, c, r FROM range(DATE '2023-12-30', DATE '2025-12-31', INTERVAL 1 DAY) t(d), (VALUES ('EUR', 1.08), ('GBP', 1.27)) v(c, r)`);
  const t = performance.now();
  const summary = await run(ws);
  const seconds = (performance.now() - t) / 1000;
  await ws.close();
  if (summary.rowsRead !== rows) throw new Error(`${name}: read ${summary.rowsRead} rows of ${rows}`);
  return { rate: rows / seconds, written: summary.written };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-import-'));
  try {
    console.log(`generating ${fmt(rows)} rows of each file in ${dir}`);
    const { csv, parquet } = await writeOrderFiles(dir);
    const ndjson = await writeNdjson(dir);
    const mb = (p: string) => `${(statSync(p).size / 1e6).toFixed(0)} MB`;
    console.log(`orders.csv ${mb(csv)}, orders.parquet ${mb(parquet)}, events.ndjson ${mb(ndjson)}`);

    const results: Record<string, { tessera: number; duckdb: number; ratio: number; written: number }> = {};
    const report = (name: string, t: { rate: number; written: number }, ref: number) => {
      results[name] = { tessera: Math.round(t.rate), duckdb: Math.round(ref), ratio: Number((t.rate / ref).toFixed(3)), written: t.written };
      console.log(`${name.padEnd(8)} tessera ${fmt(t.rate).padStart(9)} rows/s   duckdb ${fmt(ref).padStart(9)} rows/s   ratio ${(t.rate / ref).toFixed(2)}   (${fmt(t.written)} events written)`);
    };

    const orders = parseMapping(ordersMapping(), 'the orders format');
    const workspaceOf = (ws: Awaited<ReturnType<typeof openWorkspace>>) => ws.config.workspace;
    report(
      'csv',
      await tessera(dir, 'csv', (ws) => importFile(ws.store, ws.ingestor, csv, { format: 'orders', timezone: 'America/New_York', workspace: workspaceOf(ws) })),
      await reference(dir, 'csv', `read_csv('${csv}')`),
    );
    report(
      'parquet',
      await tessera(dir, 'parquet', (ws) => importFile(ws.store, ws.ingestor, parquet, { format: 'parquet', mapping: orders, timezone: 'America/New_York', workspace: workspaceOf(ws) })),
      await reference(dir, 'parquet', `read_parquet('${parquet}')`),
    );
    report(
      'ndjson',
      await tessera(dir, 'ndjson', (ws) => importSegmentFile(ws.store, ws.ingestor, ndjson, { source: 'bench', tmpDir: join(dir, 'tmp') })),
      await reference(dir, 'ndjson', `read_json('${ndjson}', format = 'newline_delimited')`),
    );
    saveResult('import', { rows, results });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
