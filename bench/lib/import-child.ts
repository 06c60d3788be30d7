// One import in a process of its own, for BENCH_MEMORY=1 of bench/import.ts: the peak resident
// memory of this process is the import's (generation and the parent's own memory are elsewhere).
// argv: FILE FORMAT (orders | segment) DATA_DIR MEMORY_LIMIT; prints one JSON line.
import { join } from 'node:path';
import { pino } from 'pino';
import { TesseraConfig } from '../../src/contract/index.js';
import { importFile, importSegmentFile } from '../../src/ingest/index.js';
import { openWorkspace } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';

const [file, format, dataDir, memoryLimit] = process.argv.slice(2);
if (!file || !format || !dataDir || !memoryLimit) throw new Error('usage: import-child FILE FORMAT DATA_DIR MEMORY_LIMIT');

const config = TesseraConfig.parse({ dataDir, logLevel: 'silent', duckdb: { memoryLimit } });
const ws = await openWorkspace(config, pino({ level: 'silent' }));
await ws.store.run(sql`INSERT INTO rates SELECT d::DATE, c, r FROM range(DATE '2023-12-30', DATE '2025-12-31', INTERVAL 1 DAY) t(d), (VALUES ('EUR', 1.08), ('GBP', 1.27)) v(c, r)`);
const baseline = process.resourceUsage().maxRSS;
// Resident memory sampled while the import runs (maxRSS is the peak; the samples show it is not reached only at the end).
let sampledMax = 0;
let intervalMax = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  sampledMax = Math.max(sampledMax, rss);
  intervalMax = Math.max(intervalMax, rss);
}, 100);
// BENCH_MEMORY_TRACE=1: after every bulk write, the process's memory by kind and DuckDB's own accounting, on stderr.
if (process.env['BENCH_MEMORY_TRACE'] === '1') {
  const writeBulk = ws.ingestor.writeBulk.bind(ws.ingestor);
  let written = 0;
  ws.ingestor.writeBulk = async (relation) => {
    const counts = await writeBulk(relation);
    written += counts.inserted;
    const tags = await ws.store.query<{ tag: string; used: number; temp: number }>(sql`SELECT tag, memory_usage_bytes AS used, temporary_storage_bytes AS temp FROM duckdb_memory() WHERE memory_usage_bytes + temporary_storage_bytes > 0`);
    const m = process.memoryUsage();
    const mb = (n: number | undefined) => Math.round((n ?? 0) / 1024 / 1024);
    const duckdb = Object.fromEntries(tags.map((t) => [t.tag, t.temp > 0 ? `${mb(t.used)}+${mb(t.temp)}tmp` : mb(t.used)]));
    console.error(
      JSON.stringify({ written, rssMb: mb(m.rss), writePeakRssMb: mb(intervalMax), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), duckdb, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
    );
    intervalMax = 0;
    return counts;
  };
}
const started = performance.now();
const summary =
  format === 'segment'
    ? await importSegmentFile(ws.store, ws.ingestor, file, { source: 'bench', tmpDir: join(dataDir, 'import-tmp') })
    : await importFile(ws.store, ws.ingestor, file, { format: 'orders', timezone: 'America/New_York', workspace: ws.config.workspace });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await ws.close();
console.log(
  JSON.stringify({
    rowsRead: summary.rowsRead,
    written: summary.written,
    seconds,
    // kilobytes (getrusage), as MB
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    openedRssMb: Math.round(baseline / 1024),
    sampledPeakRssMb: Math.round(sampledMax / 1024 / 1024),
  }),
);
