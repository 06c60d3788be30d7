// Imports into a real workspace (DuckDB file in a temp dir) and reads back the events and quarantine tables.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { TesseraConfig } from '../../src/contract/index.js';
import { importFile, importSegmentFile, type FileImportSummary, type ImportFileOptions, type ImportSummary, type SegmentImportOptions } from '../../src/ingest/index.js';
import { openWorkspace, type Workspace } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { makeTempDir, removeDir } from './workspace.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/imports/${name}`, import.meta.url));

/** The shared datasets (`../shared/datasets/` beside the checkout), read in place. */
export const dataset = (path: string): string => fileURLToPath(new URL(`../../../shared/datasets/${path}`, import.meta.url));

export interface EventRow {
  message_id: string;
  type: string;
  event: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  ts: string;
  source: string;
  order_id: string | null;
  currency: string | null;
  amount: number | null;
  rate: number | null;
  amount_base: number | null;
  email: string | null;
  phone: string | null;
  channel: string | null;
  message: Record<string, unknown> & { properties?: Record<string, unknown>; traits?: Record<string, unknown>; context?: Record<string, unknown> };
}

export interface QuarantineRow {
  seq: number;
  source: string;
  location: string | null;
  code: string;
  reason: string;
  field: string | null;
  raw: string | null;
}

export interface ImportWorkspace {
  ws: Workspace;
  dir: string;
  import(path: string, options: Omit<ImportFileOptions, 'workspace'>): Promise<FileImportSummary>;
  importSegment(path: string, options?: Partial<Omit<SegmentImportOptions, 'tmpDir'>>): Promise<ImportSummary>;
  /** Writes a file of this text in the workspace's folder; its path. */
  write(name: string, text: string): string;
  events(): Promise<EventRow[]>;
  quarantine(): Promise<QuarantineRow[]>;
  close(): Promise<void>;
}

/** A fresh workspace; `workspace` settings (base currency, region…) override the defaults. */
export async function openImportWorkspace(workspace: Record<string, unknown> = {}): Promise<ImportWorkspace> {
  const dir = await makeTempDir('tessera-import-');
  const config = TesseraConfig.parse({ dataDir: join(dir, 'data'), logLevel: 'silent', ingest: { loadIntervalMs: 50 }, workspace });
  const ws = await openWorkspace(config, pino({ level: 'silent' }));
  return {
    ws,
    dir,
    import: (path, options) => importFile(ws.store, ws.ingestor, path, { ...options, workspace: ws.config.workspace }),
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    importSegment: (path, options = {}) => importSegmentFile(ws.store, ws.ingestor, path, { ...options, source: options.source ?? 'import', tmpDir: join(dir, 'tmp') }),
    async events() {
      const rows = await ws.store.query<Omit<EventRow, 'message' | 'ts'> & { ts: Date; message: string }>(
        sql`SELECT message_id, type, event, anonymous_id, user_id, ts, source, order_id, currency, CAST(amount AS DOUBLE) AS amount, rate,
          CAST(amount_base AS DOUBLE) AS amount_base, email, phone, channel, CAST(message AS VARCHAR) AS message FROM events ORDER BY message_id`,
      );
      return rows.map((r) => ({ ...r, ts: new Date(r.ts).toISOString(), message: JSON.parse(r.message) as EventRow['message'] }));
    },
    quarantine: () => ws.store.query<QuarantineRow>(sql`SELECT seq, source, location, code, reason, field, raw FROM quarantine ORDER BY location, seq`),
    async close() {
      await ws.close();
      await removeDir(dir);
    },
  };
}

/** Rows read = rows imported + rows skipped + rows quarantined (every reason but no_rate, which counts messages). */
export function rowsAccountedFor(s: FileImportSummary): number {
  // no_rate and unreadable count messages held back, not rows (messageReasons in import-record.ts).
  const sum = (r: Record<string, number>, but: ReadonlySet<string> = new Set()) => Object.entries(r).reduce((n, [k, v]) => (but.has(k) ? n : n + v), 0);
  return s.rowsImported + sum(s.skipped) + sum(s.quarantined, new Set(['no_rate', 'unreadable']));
}
