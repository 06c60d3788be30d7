import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSegments, SegmentLog } from './segment-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-seglog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const linesIn = (names: readonly string[]) => names.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));

describe('SegmentLog', () => {
  it('closes a segment once it is old enough while appends never stop, so the loader sees it', async () => {
    const closed: string[] = [];
    const log = new SegmentLog({ dir, segmentBytes: 8 << 20, maxSegmentAgeMs: 40, onSegmentClosed: (n) => closed.push(n) });
    // An append every turn of the event loop: a commit is always under way, as under steady single-message traffic.
    const acked: Promise<void>[] = [];
    let stop = false;
    let n = 0;
    const tick = (): void => {
      if (stop) return;
      acked.push(log.append(`{"n":${n++}}\n`));
      setImmediate(tick);
    };
    tick();
    await new Promise((r) => setTimeout(r, 400));
    stop = true;
    await Promise.all(acked);
    const whileRunning = closed.length;
    await log.close();
    // Far below the size limit, so only age closed them: about one every 40 ms of the 400.
    expect(whileRunning).toBeGreaterThanOrEqual(3);
    // Every acknowledged line once, in order, across the segments.
    expect(linesIn(closed)).toEqual(Array.from({ length: n }, (_, i) => `{"n":${i}}`));
    expect(listSegments(dir)).toEqual(closed);
  });

  it('answers appends only once written, and closes the active segment on close', async () => {
    const closed: string[] = [];
    const log = new SegmentLog({ dir, segmentBytes: 8 << 20, maxSegmentAgeMs: 60_000, onSegmentClosed: (n) => closed.push(n) });
    await Promise.all([log.append('{"a":1}\n'), log.append('{"b":2}\n')]);
    expect(readFileSync(join(dir, log.activeSegment), 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(closed).toEqual([]);
    await log.close();
    expect(linesIn(closed)).toEqual(['{"a":1}', '{"b":2}']);
    await expect(log.append('{"c":3}\n')).rejects.toThrow(/closed/);
  });
});
