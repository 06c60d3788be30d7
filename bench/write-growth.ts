// npm run bench:write-growth — what a write of new messages costs as the event log grows. A store is filled with
// BENCH_EVENTS (default 30,000,000) events by SQL; then writes of 2,000 new Segment messages (the size of an HTTP load
// under traffic) go through the import path's staged write, timed one by one: with the filter of stored keys (as
// shipped), and with every write asking the log (storedKeyFilterSettings.enabled = false, the code before the filter).
// Reference, in the same run: the same writes into an empty store. Every fourth write also carries a message stored
// already (a replay), which the filter sends to the log; the medians are of the writes without one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { importSegmentFile, storedKeyFilterBuild, storedKeyFilterBytes, storedKeyFilterSettings } from '../src/ingest/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { messageJson } from './lib/messages.js';
import { fmt, saveResult } from './lib/harness.js';

const events = Number(process.env['BENCH_EVENTS'] ?? 30_000_000);
const writes = 16;
const perWrite = 2_000;

async function open(dataDir: string): Promise<Workspace> {
  return openWorkspace(TesseraConfig.parse({ dataDir, logLevel: 'silent', workspace: { baseCurrency: 'USD' } }), pino({ level: 'silent' }));
}

/** Fills `events` with n small track events (their keys are what a write's check reads). */
async function fill(ws: Workspace, n: number): Promise<void> {
  for (let from = 0; from < n; from += 2_000_000) {
    await ws.store.run(sql`INSERT INTO events (seq, message_id, type, event, anonymous_id, ts, received_at, source, message, message_key)
      SELECT i, 'stored-' || i, 'track', 'Product Viewed', 'anon-' || (i % 500000), TIMESTAMP '2025-01-01' + to_seconds(i), TIMESTAMP '2025-01-01' + to_seconds(i),
        'web', '{"type":"track","event":"Product Viewed"}', md5_number('stored-' || i) FROM range(${from}, ${Math.min(n, from + 2_000_000)}) t(i)`);
  }
  await ws.store.run(sql`CHECKPOINT`);
}

interface Run {
  /** Median of the writes without a replay (ms). */
  median: number;
  writes: number[];
  replays: number[];
  /** From the first write to the filter being ready (ms), with the filter on. */
  filterBuildMs?: number;
  filterMiB?: number;
}

async function timeWrites(ws: Workspace, dir: string, tag: string, stored: number): Promise<Run> {
  const plain: number[] = [];
  const replays: number[] = [];
  let filterBuildMs: number | undefined;
  let filterMiB: number | undefined;
  for (let r = -1; r < writes; r++) {
    const file = join(dir, `${tag}-${r}.ndjson`);
    const lines: string[] = [];
    for (let i = 0; i < perWrite; i++) lines.push(messageJson(`${tag}-${r}-${i}`, i));
    const replay = r % 4 === 3 && stored > 0;
    if (replay) lines.push(JSON.stringify({ type: 'track', event: 'Product Viewed', anonymousId: 'a', messageId: `stored-${(r * 7919) % stored}`, timestamp: '2025-01-01T00:00:00Z' }));
    writeFileSync(file, lines.join('\n') + '\n');
    const t = performance.now();
    const summary = await importSegmentFile(ws.store, ws.ingestor, file, { source: 'bench', tmpDir: join(dir, 'tmp') });
    const ms = performance.now() - t;
    if (summary.written !== perWrite) throw new Error(`${tag}: wrote ${summary.written} of ${perWrite}`);
    if (r === -1) {
      // The first write of a process starts the filter's build; a server runs on long after it.
      const building = storedKeyFilterBuild(ws.store);
      if (building) {
        await building;
        filterBuildMs = performance.now() - t;
        filterMiB = (storedKeyFilterBytes(ws.store) ?? 0) / 2 ** 20;
      }
      continue;
    }
    (replay ? replays : plain).push(ms);
  }
  const sorted = [...plain].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, writes: plain, replays, filterBuildMs, filterMiB };
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-growth-'));
try {
  console.log(`filling a store with ${fmt(events)} events`);
  let ws = await open(join(dir, 'grown'));
  const t = performance.now();
  await fill(ws, events);
  console.log(`  filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const grown = await timeWrites(ws, dir, 'filter', events);
  await ws.close();

  storedKeyFilterSettings.enabled = false;
  ws = await open(join(dir, 'grown'));
  const asking = await timeWrites(ws, dir, 'scan', events);
  await ws.close();
  storedKeyFilterSettings.enabled = true;

  ws = await open(join(dir, 'empty'));
  const empty = await timeWrites(ws, dir, 'empty', 0);
  await ws.close();

  const line = (name: string, r: Run) =>
    `${name.padEnd(40)} median ${r.median.toFixed(0).padStart(4)} ms   (${r.writes.map((w) => w.toFixed(0)).join(' ')}; with a replay: ${r.replays.map((w) => w.toFixed(0)).join(' ') || '-'})`;
  console.log(`writes of ${fmt(perWrite)} new messages:`);
  console.log(line(`${fmt(events)} events, stored-key filter`, grown));
  console.log(line(`${fmt(events)} events, every write asks the log`, asking));
  console.log(line('empty store (reference)', empty));
  console.log(`filter built ${((grown.filterBuildMs ?? 0) / 1000).toFixed(1)} s after the first write, ${(grown.filterMiB ?? 0).toFixed(0)} MiB`);
  const ratios = { filterToEmpty: +(grown.median / empty.median).toFixed(2), askingToEmpty: +(asking.median / empty.median).toFixed(2), filterToAsking: +(grown.median / asking.median).toFixed(2) };
  console.log(`ratio to the empty store: ${ratios.filterToEmpty} with the filter, ${ratios.askingToEmpty} asking the log; load ${loadavg()[0]?.toFixed(1)}`);
  saveResult('write-growth', { events, perWrite, grown, asking, empty, ratios, load: loadavg()[0] });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
