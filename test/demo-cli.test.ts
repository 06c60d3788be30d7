// `tessera generate` and `tessera demo` as a new user runs them: the built CLI in its own process.

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe } from './helpers/cli.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-demo-cli-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tessera generate', () => {
  it('writes the same files for the same seed and different files for another seed', async () => {
    const outs = ['a', 'b', 'c'].map((n) => join(root, `gen-${n}`));
    const seeds = ['7', '7', '8'];
    for (const [i, out] of outs.entries()) {
      const r = await runCli(['generate', '--customers', '40', '--seed', seeds[i] ?? '7', '--months', '6', '--out', out]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const files = (await readdir(outs[0] ?? '')).sort();
    expect(files).toEqual(['customers.csv', 'events.ndjson', 'orders.csv', 'rates.csv', 'truth.csv']);
    const read = (dir: string | undefined, f: string) => readFile(join(dir ?? '', f), 'utf8');
    for (const f of files) expect(await read(outs[1], f), f).toBe(await read(outs[0], f));
    expect(await read(outs[2], 'events.ndjson')).not.toBe(await read(outs[0], 'events.ndjson'));
  });

  it('prints what it wrote as JSON with --json', async () => {
    const r = await runCli(['generate', '--customers', '30', '--months', '3', '--out', join(root, 'gen-json'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { people: number; files: { file: string; rows: number }[] };
    expect(summary.people).toBe(30);
    expect(summary.files.find((f) => f.file === 'events.ndjson')?.rows).toBeGreaterThan(0);
  });

  it('refuses a start that is not a day, with exit 1 and nothing on stdout', async () => {
    const r = await runCli(['generate', '--start', 'yesterday', '--out', join(root, 'gen-bad')]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--start yesterday: give a date as YYYY-MM-DD/);
    const demo = await runCli(['demo', '--start', '2025-02-30', '--no-serve'], { dataDir: join(root, 'demo-bad') });
    expect(demo.exitCode).toBe(1);
    expect(demo.stderr).toMatch(/--start 2025-02-30: there is no such day/);
  });
});

describe('tessera demo', () => {
  it('loads the demo shop once, then serves it with a read token that opens the API', async () => {
    const data = join(root, 'demo-data');
    const before = new Date();
    const first = await runCli(['demo', '--customers', '80', '--no-serve', '--json'], { dataDir: data, timeoutMs: 120_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    const load = JSON.parse(first.stdout) as { loaded: boolean; events: number; orders: number; profiles: number; start: string; end: string };
    expect(load.loaded).toBe(true);
    // Without --start the shop's 24 months end where this month begins, so "today" is the shop's present.
    const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 10);
    expect([monthStart(before), monthStart(new Date())]).toContain(load.end);
    const end = new Date(`${load.end}T00:00:00Z`);
    expect(load.start).toBe(new Date(Date.UTC(end.getUTCFullYear() - 2, end.getUTCMonth(), 1)).toISOString().slice(0, 10));
    expect(load.events).toBeGreaterThan(1000);
    expect(load.orders).toBeGreaterThan(0);
    expect(load.profiles).toBeGreaterThan(0);

    // Every event of the source file is in the store, once.
    const exported = join(root, 'demo-export.ndjson');
    const exp = await runCli(['events', 'export', '--out', exported], { dataDir: data });
    expect(exp.exitCode, exp.stderr).toBe(0);
    const messages = (await readFile(exported, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { messageId: string; timestamp: string });
    const ids = new Set(messages.map((m) => m.messageId));
    expect(ids.size, 'no message is stored twice').toBe(messages.length);
    const sourceIds = (await readFile(join(data, 'demo-source', 'events.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { messageId: string }).messageId);
    expect(sourceIds.filter((id) => !ids.has(id)), 'every message of events.ndjson is stored').toEqual([]);
    expect(sourceIds.length).toBe(load.events);
    const times = messages.map((m) => m.timestamp).sort();
    expect((times[0] ?? '').slice(0, 10) >= load.start && (times.at(-1) ?? '') < `${load.end}T00:00:00Z`).toBe(true);

    const server = await startServe(data, { command: ['demo', '--customers', '80'], timeoutMs: 60_000 });
    try {
      expect(server.stderr()).toContain(`already holds this demo shop (80 people, seed 42, dated ${load.start} up to ${load.end})`);
      const deadline = Date.now() + 10_000;
      while (!/#token=/.test(server.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const token = /#token=(\S+)/.exec(server.stderr())?.[1];
      expect(token).toBeDefined();
      const res = await fetch(`${server.url}/api/v1/events?limit=3`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { events: unknown[] };
      expect(body.events).toHaveLength(3);
      const denied = await fetch(`${server.url}/api/v1/events?limit=3`);
      expect(denied.status).toBe(401);
      // The value page has a model to show: fitted with the shop's last six months held out, and every buyer scored.
      const fit = await fetch(`${server.url}/api/v1/clv`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(fit.status).toBe(200);
      const calibrationEnd = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 6, 0)).toISOString().slice(0, 10);
      const holdoutStart = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 6, 1)).toISOString().slice(0, 10);
      expect(await fit.json()).toMatchObject({ calibration_end: calibrationEnd, holdout: { start: holdoutStart } });
      const scored = await fetch(`${server.url}/api/v1/clv/predictions?limit=1`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(((await scored.json()) as { customers: unknown[] }).customers).toHaveLength(1);
      // The segments of examples/segments/ are there, evaluated.
      const segments = await fetch(`${server.url}/api/v1/segments`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      const examples = (await readdir(join(process.cwd(), 'examples', 'segments'))).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
      expect(((await segments.json()) as { segments: { id: string }[] }).segments.map((x) => x.id).sort()).toEqual(examples.sort());
      const repeat = await fetch(`${server.url}/api/v1/segments/repeat-buyers/history`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      const snapshots = ((await repeat.json()) as { snapshots: { customers: number }[] }).snapshots;
      expect(snapshots.at(-1)?.customers).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 300_000);
});
