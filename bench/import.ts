// npm run bench:import — file imports (canonical orders CSV, the same rows as Parquet, Segment NDJSON)
// into a fresh data directory each, with standardization and the durable write, against DuckDB's own
// read_csv / read_parquet / read_json of the same file into a bare table, measured in the same run.
// BENCH_ROWS (default 1,000,000) sets the rows of each file. BENCH_PROFILE=1 times each statement;
// BENCH_MEMORY=1 measures peak memory against file size instead (see memory()).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
import { launcherNodeArgs } from '../src/cli/launcher-env.js';
import { cpuSecondsSince, fmt, root, saveResult } from './lib/harness.js';
import { profileStatements } from './lib/statement-profile.js';
import { timeTableWrite } from './lib/table-write.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const settings = { threads: '2', memory_limit: '2GB' };
/** BENCH_PROFILE=1: time every statement of each import and print the costliest. */
const profiling = process.env['BENCH_PROFILE'] === '1';
/** BENCH_ONLY=csv,parquet,ndjson: run only those formats (while iterating); the saved results need all three. */
const only = process.env['BENCH_ONLY']?.split(',');
const wanted = (name: string) => !only || only.includes(name);

/** The canonical orders CSV (two lines an order on average, three currencies) and its Parquet twin, written by DuckDB. */
async function writeOrderFiles(dir: string, rows: number, prefix = 'orders'): Promise<{ csv: string; parquet: string }> {
  const csv = join(dir, `${prefix}.csv`);
  const parquet = join(dir, `${prefix}.parquet`);
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

async function writeNdjson(dir: string, rows: number, name = 'events.ndjson'): Promise<string> {
  const path = join(dir, name);
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
async function reference(dir: string, name: string, reader: string): Promise<{ rate: number; cpuSeconds: number }> {
  const db = await DuckDBInstance.create(join(dir, `ref-${name}.duckdb`), settings);
  const c = await db.connect();
  const t = performance.now();
  const cpu = process.cpuUsage();
  await c.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
  await c.run('CHECKPOINT');
  const seconds = (performance.now() - t) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  c.closeSync();
  db.closeSync();
  return { rate: rows / seconds, cpuSeconds };
}

/**
 * The write floor: DuckDB writing the events an import wrote (read back from its store and held in memory first) into an
 * empty `events` table of a fresh database file, committed and checkpointed (rows of the file per second, like the other
 * figures). No import that keeps every event's whole message, as the log does (issue 2), can be faster than writing
 * them; with the file's read (readAlone), it bounds the ratio to the reader's reference above.
 */
async function writeFloor(dir: string, name: string): Promise<{ rate: number; cpuSeconds: number; events: number }> {
  const write = await timeTableWrite(join(dir, `data-${name}`, 'tessera.duckdb'), 'events', join(dir, `floor-${name}.duckdb`));
  return { rate: rows / (write.ms / 1000), cpuSeconds: write.cpuSeconds, events: write.rows };
}

/** DuckDB reading the file into an in-memory table: what any import of it pays before it writes (rows/s). */
async function readAlone(reader: string): Promise<{ rate: number; cpuSeconds: number }> {
  const db = await DuckDBInstance.create(':memory:', settings);
  const c = await db.connect();
  const t = performance.now();
  const cpu = process.cpuUsage();
  await c.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
  const seconds = (performance.now() - t) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  c.closeSync();
  db.closeSync();
  return { rate: rows / seconds, cpuSeconds };
}

/**
 * CPU seconds of one JSON.parse and one JSON.stringify of every line of an NDJSON file: the least the validation
 * shared with HTTP costs a message (it must parse it to check it, and the log stores it serialized).
 */
async function parseAndSerialize(path: string): Promise<number> {
  let cpuSeconds = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
    const lines = (rest + String(chunk)).split('\n');
    rest = lines.pop() ?? '';
    const cpu = process.cpuUsage();
    for (const line of lines) if (line) JSON.stringify(JSON.parse(line));
    cpuSeconds += cpuSecondsSince(cpu);
  }
  if (rest) JSON.stringify(JSON.parse(rest));
  return cpuSeconds;
}

/** Tessera: the file into a fresh data directory (rows/s, and the summary's counts). */
async function tessera(dir: string, name: string, run: (ws: Awaited<ReturnType<typeof openWorkspace>>) => Promise<{ written: number; rowsRead: number }>): Promise<{ rate: number; written: number; cpuSeconds: number }> {
  const config = TesseraConfig.parse({ dataDir: join(dir, `data-${name}`), logLevel: 'silent', workspace: { baseCurrency: 'USD' } });
  const ws = await openWorkspace(config, pino({ level: 'silent' }));
  // Rates for every day and currency of the files, so no order waits in quarantine.
  await ws.store.run(sql`INSERT INTO rates SELECT d::DATE, c, r FROM range(DATE '2023-12-30', DATE '2025-12-31', INTERVAL 1 DAY) t(d), (VALUES ('EUR', 1.08), ('GBP', 1.27)) v(c, r)`);
  const profile = profiling ? profileStatements(ws.store) : undefined;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const summary = await run(ws);
  const seconds = (performance.now() - t) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  await ws.close();
  if (profile) {
    const top = profile.report();
    const inSql = top.reduce((n, s) => n + s.ms, 0);
    console.log(`  ${name}: ${Math.round(seconds * 1000)} ms, of which SQL ${inSql} ms`);
    for (const s of top.slice(0, 12)) console.log(`  ${String(s.ms).padStart(7)} ms ${String(s.calls).padStart(4)}x  ${s.statement}`);
  }
  if (summary.rowsRead !== rows) throw new Error(`${name}: read ${summary.rowsRead} rows of ${rows}`);
  return { rate: rows / seconds, written: summary.written, cpuSeconds };
}

/**
 * BENCH_MEMORY=1: files of growing size (BENCH_MEMORY_ROWS, default 1M and 4M rows), each imported by
 * a process of its own with DuckDB's memory limit at BENCH_MEMORY_LIMIT (default 512MB), reporting
 * that process's peak resident memory. Bounded memory means the peak does not follow the file size.
 * BENCH_MEMORY_TRACE=1 also prints, after every bulk write, the child's memory by kind and DuckDB's by tag.
 */
async function memory(): Promise<void> {
  const sizes = (process.env['BENCH_MEMORY_ROWS'] ?? '1000000,4000000').split(',').map(Number);
  const formats = (process.env['BENCH_ONLY'] ?? 'csv,ndjson').split(',').filter((f) => f === 'csv' || f === 'ndjson');
  const limit = process.env['BENCH_MEMORY_LIMIT'] ?? '512MB';
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-memory-'));
  const results: Record<string, unknown>[] = [];
  try {
    for (const format of formats) {
      for (const n of sizes) {
        const file = format === 'csv' ? (await writeOrderFiles(dir, n, `orders-${n}`)).csv : await writeNdjson(dir, n, `events-${n}.ndjson`);
        const mb = statSync(file).size / 1e6;
        const child = spawnSync(join(root, 'node_modules/.bin/tsx'), [...launcherNodeArgs, join(root, 'bench/lib/import-child.ts'), file, format === 'csv' ? 'orders' : 'segment', join(dir, `data-${format}-${n}`), limit], {
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        });
        if (child.status !== 0) throw new Error(`import of ${file} failed: ${child.stderr}`);
        // BENCH_MEMORY_TRACE=1: the child's memory after each bulk write (see import-child.ts).
        if (process.env['BENCH_MEMORY_TRACE'] === '1') process.stdout.write(child.stderr);
        const r = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { rowsRead: number; written: number; seconds: number; peakRssMb: number; openedRssMb: number; sampledPeakRssMb: number };
        if (r.rowsRead !== n) throw new Error(`${format} ${n}: read ${r.rowsRead} rows`);
        const load = loadavg()[0] ?? 0;
        results.push({ format, rows: n, fileMb: Math.round(mb), ...r, loadAverage: load });
        console.log(
          `${format.padEnd(7)} ${fmt(n).padStart(10)} rows  file ${fmt(mb).padStart(6)} MB   peak RSS ${fmt(r.peakRssMb).padStart(5)} MB (${fmt(r.openedRssMb)} MB once open)` +
            `   ${fmt(n / r.seconds)} rows/s   memory_limit ${limit}   load ${load.toFixed(1)}`,
        );
        rmSync(file, { force: true });
        rmSync(join(dir, `data-${format}-${n}`), { recursive: true, force: true });
        if (format === 'csv') rmSync(join(dir, `orders-${n}.parquet`), { force: true });
      }
    }
    saveResult(`import-memory-${formats.join('-')}`, { memoryLimit: limit, results });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-import-'));
  try {
    console.log(`generating ${fmt(rows)} rows of each file in ${dir}`);
    const { csv, parquet } = await writeOrderFiles(dir, rows);
    const ndjson = await writeNdjson(dir, rows);
    const mb = (p: string) => `${(statSync(p).size / 1e6).toFixed(0)} MB`;
    console.log(`orders.csv ${mb(csv)}, orders.parquet ${mb(parquet)}, events.ndjson ${mb(ndjson)}`);

    type Result = {
      tessera: number; duckdb: number; ratio: number; cpuRatio: number; written: number;
      floor: number; readAlone: number; toFloor: number; ceiling: number; ceilingWithJson?: number; loadAverage: number;
    };
    const results: Record<string, Result> = {};
    const report = async (name: string, t: { rate: number; written: number; cpuSeconds: number }, ref: { rate: number; cpuSeconds: number }, reader: string, ndjsonPath?: string) => {
      const floor = await writeFloor(dir, name);
      const { rate: read, cpuSeconds: readCpu } = await readAlone(reader);
      // Reading the file, then writing its events, with nothing between: the fastest such an import can be (both
      // steps already run on both cores, so overlapping them would not gain).
      const least = 1 / (1 / read + 1 / floor.rate);
      // Segment messages are also parsed and serialized once each by the shared validation: with that CPU too, on two cores.
      const jsonCpu = ndjsonPath === undefined ? undefined : await parseAndSerialize(ndjsonPath);
      const leastWithJson = jsonCpu === undefined ? undefined : Math.min(least, rows / ((readCpu + floor.cpuSeconds + jsonCpu) / 2));
      if (floor.events !== t.written) throw new Error(`${name}: the store holds ${floor.events} events, the import wrote ${t.written}`);
      const cpuRatio = ref.cpuSeconds / t.cpuSeconds;
      const load = loadavg()[0] ?? 0;
      const r3 = (x: number) => Number(x.toFixed(3));
      results[name] = {
        tessera: Math.round(t.rate), duckdb: Math.round(ref.rate), ratio: r3(t.rate / ref.rate), cpuRatio: r3(cpuRatio), written: t.written,
        floor: Math.round(floor.rate), readAlone: Math.round(read), toFloor: r3(t.rate / least), ceiling: r3(least / ref.rate),
        ...(leastWithJson === undefined ? {} : { ceilingWithJson: r3(leastWithJson / ref.rate) }), loadAverage: load,
      };
      console.log(
        `${name.padEnd(8)} tessera ${fmt(t.rate).padStart(9)} rows/s   duckdb ${fmt(ref.rate).padStart(9)} rows/s   ratio ${(t.rate / ref.rate).toFixed(2)}` +
          `   cpu ratio ${cpuRatio.toFixed(2)} (${t.cpuSeconds.toFixed(1)} s vs ${ref.cpuSeconds.toFixed(1)} s)   load ${load.toFixed(1)}   (${fmt(t.written)} events written)\n` +
          `${''.padEnd(8)} floor: the file read into memory ${fmt(read)} rows/s, then its ${fmt(floor.events)} events written into a fresh events table ${fmt(floor.rate)} rows/s ` +
          `(${floor.cpuSeconds.toFixed(1)} s of CPU): together ${fmt(least)} rows/s, ${(least / ref.rate).toFixed(2)} of the reference, the most the ratio above can reach; tessera at ${(t.rate / least).toFixed(2)} of it` +
          (leastWithJson === undefined || jsonCpu === undefined
            ? ''
            : `\n${''.padEnd(8)} with a JSON.parse and a JSON.stringify of each message (${jsonCpu.toFixed(1)} s of CPU) beside the read (${readCpu.toFixed(1)} s) and the write, ` +
              `on two cores: ${fmt(leastWithJson)} rows/s, ${(leastWithJson / ref.rate).toFixed(2)} of the reference`),
      );
    };

    const orders = parseMapping(ordersMapping(), 'the orders format');
    const workspaceOf = (ws: Awaited<ReturnType<typeof openWorkspace>>) => ws.config.workspace;
    if (wanted('csv')) {
      await report(
        'csv',
        await tessera(dir, 'csv', (ws) => importFile(ws.store, ws.ingestor, csv, { format: 'orders', timezone: 'America/New_York', workspace: workspaceOf(ws) })),
        await reference(dir, 'csv', `read_csv('${csv}')`),
        `read_csv('${csv}')`,
      );
    }
    if (wanted('parquet')) {
      await report(
        'parquet',
        await tessera(dir, 'parquet', (ws) => importFile(ws.store, ws.ingestor, parquet, { format: 'parquet', mapping: orders, timezone: 'America/New_York', workspace: workspaceOf(ws) })),
        await reference(dir, 'parquet', `read_parquet('${parquet}')`),
        `read_parquet('${parquet}')`,
      );
    }
    if (wanted('ndjson')) {
      await report(
        'ndjson',
        await tessera(dir, 'ndjson', (ws) => importSegmentFile(ws.store, ws.ingestor, ndjson, { source: 'bench', tmpDir: join(dir, 'tmp') })),
        await reference(dir, 'ndjson', `read_json('${ndjson}', format = 'newline_delimited')`),
        `read_json('${ndjson}', format = 'newline_delimited')`,
        ndjson,
      );
    }
    if (!only && !profiling) saveResult('import', { rows, results });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await (process.env['BENCH_MEMORY'] === '1' ? memory() : main());
