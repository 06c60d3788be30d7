// The log's loader and lines the store cannot take. Every line of a segment was acknowledged with a 200: a line
// DuckDB's JSON reader skips, or one whose time is past what a TIMESTAMP holds, must land in quarantine with its
// text, and must not stop the lines after it (nor every later load, nor the server's start).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listEvents, listQuarantine } from '../src/ingest/index.js';
import { segmentName } from '../src/ingest/segment-log.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

/** A log line as the ingestor writes it (log-record.ts): typed fields beside the whole message `m`. */
function logLine(id: string, ts: string, message: string = JSON.stringify({ type: 'track', event: 'Product Viewed', userId: 'u1', messageId: id, timestamp: ts })): string {
  return `{"s":"web","id":"${id}","t":"track","e":"Product Viewed","u":"u1","a":null,"ts":"${ts}","r":"2026-01-02T00:00:00.000Z","ch":"","x":"","m":${message}}`;
}

describe('a log segment holding lines the store cannot read', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('tessera-unreadable-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('stores the lines around them and quarantines each with its text, at start-up and in later loads', async () => {
    const dataDir = join(dir, 'data');
    await (await openTestWorkspace(dataDir)).close();
    const lines = [
      logLine('good-1', '2026-01-01T00:00:00.000Z'),
      logLine('far-future', '+010000-01-01T04:00:00.000Z'),
      logLine('half-emoji', '2026-01-01T00:00:01.000Z', '{"type":"track","event":"Sale \\ud83d","userId":"u1","messageId":"half-emoji"}'),
      // Cut short (a torn write is only ever the last line, which the loader trims): its reader also loses the
      // next line, read as the rest of the same object, so that line is quarantined too, with its whole text.
      '{"s":"web","id":"torn", "t":',
      logLine('after-torn', '2026-01-01T00:00:01.500Z'),
      logLine('good-2', '2026-01-01T00:00:02.000Z'),
    ];
    mkdirSync(join(dataDir, 'log'), { recursive: true });
    const segment = segmentName(1);
    writeFileSync(join(dataDir, 'log', segment), lines.join('\n') + '\n');

    // Opening replays the segment: before, the far-future time failed this load and so the start itself.
    const ws = await openTestWorkspace(dataDir);
    try {
      const stored = await listEvents(ws.store, { limit: 100 });
      expect(stored.map((e) => e.message_id)).toEqual(['good-1', 'good-2']);
      const rejected = await listQuarantine(ws.store, 100);
      const byCode = rejected.filter((r) => r.code === 'unreadable');
      expect(byCode).toHaveLength(4);
      const torn = byCode.find((r) => r.raw === '{"s":"web","id":"torn", "t":');
      expect(torn, JSON.stringify(byCode)).toMatchObject({ source: 'log', location: `${segment}:4`, reason: expect.stringContaining('could not read') });
      const future = byCode.find((r) => r.field === 'timestamp');
      expect(future).toMatchObject({ source: 'web', reason: expect.stringContaining('+010000-01-01') });
      expect(JSON.parse(future?.raw ?? '{}')).toMatchObject({ messageId: 'far-future' });
      const half = byCode.find((r) => r.raw?.includes('half-emoji'));
      expect(half).toMatchObject({ source: 'web', location: `${segment}:3` });
      expect(JSON.parse(half?.raw ?? '{}')).toMatchObject({ event: 'Sale \ufffd' });
      const swallowed = byCode.find((r) => r.raw?.includes('after-torn'));
      expect(swallowed).toMatchObject({ source: 'web', location: `${segment}:5` });

      // Ingestion goes on.
      await ws.ingestor.accept([{ type: 'track', event: 'After', userId: 'u2', messageId: 'after-1', timestamp: '2026-01-03T00:00:00.000Z' }], { source: 'web', location: 'test' });
      await ws.ingestor.flush();
      expect((await listEvents(ws.store, { limit: 100 })).map((e) => e.message_id)).toContain('after-1');
    } finally {
      await ws.close();
    }
  });
});
