/**
 * The progress line of a long import (shown on a terminal only): rows so far, rows/s and an ETA.
 * Pure: the caller owns the clock and the terminal.
 */

export interface ImportProgressState {
  file: string;
  /** `read`: DuckDB is reading the file (rows not known yet); `write`: rows are being written. */
  phase: 'read' | 'write';
  rows: number;
  /** Rows in the file, once known. */
  total?: number;
  /** Bytes read so far and the file's size, when rows are counted as the file streams by. */
  bytes?: number;
  totalBytes?: number;
  startedMs: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** 75 → "1m15s", 4.2 → "4s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Seconds left at the pace so far, or undefined when nothing tells how much is left. */
export function estimateRemaining(s: ImportProgressState, nowMs: number): number | undefined {
  const elapsed = (nowMs - s.startedMs) / 1000;
  if (elapsed <= 0) return undefined;
  if (s.total !== undefined && s.rows > 0) return ((s.total - s.rows) * elapsed) / s.rows;
  if (s.totalBytes !== undefined && s.bytes !== undefined && s.bytes > 0) return ((s.totalBytes - s.bytes) * elapsed) / s.bytes;
  return undefined;
}

/** `orders.csv: 250,000 / 1,000,000 rows · 310,000 rows/s · ETA 3s`, or `orders.csv: reading… 4s` before rows are known. */
export function formatProgress(s: ImportProgressState, nowMs: number): string {
  const elapsed = Math.max(0, (nowMs - s.startedMs) / 1000);
  if (s.phase === 'read' && s.rows === 0) return `${s.file}: reading… ${formatDuration(elapsed)}`;
  const rows = s.total !== undefined ? `${count(s.rows)} / ${count(s.total)} rows` : `${count(s.rows)} rows`;
  const rate = elapsed > 0 ? ` · ${count(s.rows / elapsed)} rows/s` : '';
  const left = estimateRemaining(s, nowMs);
  const eta = left === undefined ? '' : ` · ETA ${formatDuration(left)}`;
  return `${s.file}: ${rows}${rate}${eta}`;
}
