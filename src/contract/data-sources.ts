// What the data page shows of where data comes from: `GET /api/v1/sources` and `/api/v1/imports`.

/** One source of stored events (an HTTP write key's source, an import's `--source`). */
export interface DataSource {
  source: string;
  events: number;
  first_received: string;
  last_received: string;
}

/** One file import, as `tessera import` recorded it. */
export interface ImportRecord {
  id: string;
  file: string;
  format: string;
  source: string;
  started_at: string;
  finished_at: string | null;
  rows_read: number | null;
  events_written: number | null;
  duplicates: number | null;
  quarantined: number | null;
}
