import { describe, expect, it } from 'vitest';
import { estimateRemaining, formatDuration, formatProgress } from './import-progress.js';

describe('the import progress line', () => {
  it('says the file is being read before any row is known', () => {
    expect(formatProgress({ file: 'orders.csv', phase: 'read', rows: 0, startedMs: 0 }, 4_200)).toBe('orders.csv: reading… 4s');
  });

  it('shows rows, rows/s and the time left at the pace so far', () => {
    const line = formatProgress({ file: 'orders.csv', phase: 'write', rows: 250_000, total: 1_000_000, startedMs: 1_000 }, 3_000);
    expect(line).toBe('orders.csv: 250,000 / 1,000,000 rows · 125,000 rows/s · ETA 6s');
  });

  it('estimates from bytes when rows stream by and their number is unknown', () => {
    const state = { file: 'e.ndjson', phase: 'write' as const, rows: 10_000, bytes: 25, totalBytes: 100, startedMs: 0 };
    expect(estimateRemaining(state, 10_000)).toBe(30);
    expect(formatProgress(state, 10_000)).toBe('e.ndjson: 10,000 rows · 1,000 rows/s · ETA 30s');
  });

  it('writes long durations in minutes and hours', () => {
    expect([formatDuration(75), formatDuration(3_725), formatDuration(-1)]).toEqual(['1m15s', '1h02m', '0s']);
  });
});
