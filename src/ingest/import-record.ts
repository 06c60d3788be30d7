import { sql, type Store } from '../store/index.js';
import type { ImportSummary } from './import-segment-file.js';

/** What happened to every row of a file, beyond the segment format's summary. */
export interface FileImportSummary extends ImportSummary {
  importId: string;
  format: string;
  source: string;
  /** Rows that became (part of) a message; the messages then were written, duplicates or no_rate. */
  rowsImported: number;
  /** Orders kind: distinct orders (order ids, or group_by values) among the rows the reader could read. */
  ordersRead?: number;
  /** Rows left out on purpose by the mapping's skip rules, by reason. */
  skipped: Record<string, number>;
  /** Messages built from the imported rows, by event name (`identify` for identify calls). */
  messages: Record<string, number>;
  seconds: number;
}

/** Quarantine reasons that count messages of imported rows, not rows: held back after the rows became messages. */
export const messageReasons: ReadonlySet<string> = new Set(['no_rate', 'unreadable']);

/**
 * Rows read = rows imported + rows skipped + rows quarantined (every reason but those of messageReasons:
 * an order whose currency had no rate for its day, a message the store could not hold).
 */
export function rowsAccountedFor(s: FileImportSummary): number {
  const quarantinedRows = Object.entries(s.quarantined).reduce((n, [code, c]) => (messageReasons.has(code) ? n : n + c), 0);
  return s.rowsImported + Object.values(s.skipped).reduce((n, c) => n + c, 0) + quarantinedRows;
}

/** Records an import as started in the `imports` table. */
export async function recordImportStart(store: Store, row: { id: string; file: string; format: string; source: string; startedAt: Date }): Promise<void> {
  await store.run(sql`INSERT INTO imports (id, file, format, source, started_at) VALUES (${row.id}, ${row.file}, ${row.format}, ${row.source}, ${row.startedAt})`);
}

/** Records how an import ended: its counts and the whole summary (or the error that stopped it). */
export async function recordImportEnd(store: Store, id: string, summary: ImportSummary | { error: string }): Promise<void> {
  const s = 'rowsRead' in summary ? summary : undefined;
  const quarantined = s ? Object.values(s.quarantined).reduce((n, c) => n + c, 0) : null;
  await store.run(sql`UPDATE imports SET finished_at = ${new Date()}, rows_read = ${s?.rowsRead ?? null}, events_written = ${s?.written ?? null},
    duplicates = ${s?.duplicates ?? null}, quarantined = ${quarantined}, summary = CAST(${JSON.stringify(summary)} AS JSON) WHERE id = ${id}`);
}
