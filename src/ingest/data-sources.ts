import type { DataSource, ImportRecord } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const count = (n: number | bigint | null): number | null => (n === null ? null : Number(n));

/** Every source events came from, with how many and when: the data page's "sources". */
export async function listSources(store: Store): Promise<DataSource[]> {
  const rows = await store.query<{ source: string; events: number; first_received: Date; last_received: Date }>(
    sql`SELECT source, count(*) AS events, min(received_at) AS first_received, max(received_at) AS last_received FROM events GROUP BY source ORDER BY last_received DESC, source`,
  );
  return rows.map((r) => ({ source: r.source, events: Number(r.events), first_received: r.first_received.toISOString(), last_received: r.last_received.toISOString() }));
}

/** File imports, newest first, with their counts. */
export async function listImports(store: Store, limit = 100): Promise<ImportRecord[]> {
  const rows = await store.query<{
    id: string;
    file: string;
    format: string;
    source: string;
    started_at: Date;
    finished_at: Date | null;
    rows_read: number | null;
    events_written: number | null;
    duplicates: number | null;
    quarantined: number | null;
  }>(sql`SELECT id, file, format, source, started_at, finished_at, rows_read, events_written, duplicates, quarantined FROM imports ORDER BY started_at DESC, id LIMIT ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    file: r.file,
    format: r.format,
    source: r.source,
    started_at: r.started_at.toISOString(),
    finished_at: iso(r.finished_at),
    rows_read: count(r.rows_read),
    events_written: count(r.events_written),
    duplicates: count(r.duplicates),
    quarantined: count(r.quarantined),
  }));
}
