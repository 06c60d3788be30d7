import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { WorkspaceConfig } from '../contract/index.js';
import { ident, raw, sql, type Sql, type Store } from '../store/index.js';
import type { Ingestor } from './ingestor.js';
import { utf8Copy } from './import-encoding.js';
import { createRejectsIndex, lineExpr, readerRejections, rowLine, skipReason, type ChunkRange, type StagedContext } from './import-lines.js';
import { placeRejectionLines, writeRejectSteps } from './import-line-numbers.js';
import { compileOrders } from './import-orders.js';
import { createPhoneTable, normalizePhones } from './import-phones.js';
import { recordImportEnd, recordImportStart, type FileImportSummary } from './import-record.js';
import { compileRows } from './import-rows.js';
import { stopIfAborted } from './import-stopped.js';
import { decimalSeparator, importTables, inspectSource, loadSource, type ImportTables, type SourceFile } from './import-source.js';
import type { Mapping } from './mapping.js';
import { ColumnScope } from './mapping-sql.js';

/** Progress of one file: the load (rows unknown yet), then chunks written. */
export type ImportProgressFn = (p: { file: string; phase: 'load' | 'write'; rows: number; total?: number }) => void;

export interface MappedImportOptions {
  format: string;
  source: string;
  /** Zone of times without an offset, already resolved (--timezone, the mapping's, the workspace's). */
  zone: string;
  workspace: WorkspaceConfig;
  /** Rows per bulk write: bounds the memory of a write, and how often progress is reported. */
  chunkRows?: number;
  progress?: ImportProgressFn;
  /** What the mapping is, for errors: its file name, or the built-in format. */
  mappingName?: string;
  /** Aborted when the caller is gone: the import stops before its next chunk, keeping the chunks it wrote. */
  signal?: AbortSignal;
}

const defaultChunkRows = 500_000;

interface Plan {
  grouping: boolean;
  anchorKey?: Sql;
  skip: Sql;
  prepare(range: ChunkRange, anchored: boolean): Sql[];
  phones(): Sql;
  staged(range: ChunkRange): Sql;
  counts(range: ChunkRange): Sql;
  used: ReadonlySet<string>;
}

function compile(source: SourceFile, mapping: Mapping, hasRejects: boolean, tables: ImportTables, ctx: StagedContext, zone: string, origin: string): Plan {
  const scope = new ColumnScope(source.columns, origin, 'r', raw(''), decimalSeparator(source.layout));
  const lineScope = scope.with('r', lineExpr(source, hasRejects));
  const common = { scope: lineScope, mapping, spec: { source, hasRejects }, zone, tables, ctx };
  const skip = skipReason(lineScope, mapping);
  if (mapping.kind === 'orders') {
    const p = compileOrders(common);
    return { grouping: true, anchorKey: p.anchorKey, skip, prepare: p.prepare, phones: p.phones, staged: p.staged, counts: p.counts, used: lineScope.used };
  }
  const p = compileRows(common);
  return { grouping: false, skip, prepare: (r) => p.prepare(r), phones: p.phones, staged: p.staged, counts: p.counts, used: lineScope.used };
}

const add = (into: Record<string, number>, key: string, n: number) => {
  if (n > 0) into[key] = (into[key] ?? 0) + n;
};

/** The file's layout as the mapping says (--format parquet wins), and its columns. */
function inspectMapped(store: Store, path: string, mapping: Mapping, format: string): Promise<SourceFile> {
  const layout = { format: mapping.file.format ?? (format === 'parquet' ? 'parquet' : 'csv'), ...mapping.file } as const;
  return inspectSource(store, path, { ...layout, format: format === 'parquet' ? 'parquet' : layout.format });
}

const originOf = (options: MappedImportOptions, fileName: string) => `${options.mappingName ?? 'mapping'} on ${fileName}`;

/** Checks the file has what the mapping reads (compiling it, as an import's first pass does), reading only its header. */
export async function checkMappedFile(store: Store, path: string, mapping: Mapping, options: MappedImportOptions): Promise<void> {
  const fileName = basename(path);
  const source = await inspectMapped(store, path, mapping, options.format);
  const ctx: StagedContext = { source: options.source, fileName, receivedAt: new Date().toISOString() };
  compile(source, mapping, false, importTables('0'), ctx, options.zone, originOf(options, fileName));
}

/**
 * Imports one CSV or Parquet file through a mapping. DuckDB reads the file into a temp table in one
 * pass; then, chunk by chunk, SQL builds the chunk's messages and rejections and the ingestor
 * writes them like the log loader does (rates, dedup on messageId, quarantine). No row passes
 * through JavaScript except distinct phone numbers.
 */
export async function importMappedFile(store: Store, ingestor: Ingestor, path: string, mapping: Mapping, options: MappedImportOptions): Promise<FileImportSummary> {
  const started = performance.now();
  const importId = randomUUID();
  const tables = importTables(importId.replaceAll('-', ''));
  const fileName = basename(path);
  const ctx: StagedContext = { source: options.source, fileName, receivedAt: new Date().toISOString() };
  const summary: FileImportSummary = {
    importId, file: path, format: options.format, source: options.source, rowsRead: 0, rowsImported: 0,
    accepted: 0, written: 0, duplicates: 0, quarantined: {}, skipped: {}, messages: {}, seconds: 0,
  };
  const chunkRows = Math.max(1, options.chunkRows ?? defaultChunkRows);
  await recordImportStart(store, { id: importId, file: path, format: options.format, source: options.source, startedAt: new Date() });
  const temp = Object.values(tables).flatMap((t) => [t, `${t}_idx`]);
  let copy: Awaited<ReturnType<typeof utf8Copy>> | undefined;
  try {
    let source = await inspectMapped(store, path, mapping, options.format);
    if (source.layout.format === 'csv' && source.encoding === 'windows-1252') {
      copy = await utf8Copy(path, source.compression === 'gzip');
      source = { ...source, path: copy.path, compression: 'auto', encoding: 'utf-8' };
    }
    // First pass only learns which columns the mapping reads (and checks they exist): only those are loaded.
    const origin = originOf(options, fileName);
    const dry = compile(source, mapping, false, tables, ctx, options.zone, origin);
    options.progress?.({ file: path, phase: 'load', rows: 0 });
    const loaded = await loadSource(store, source, dry.used, tables);
    const plan = loaded.rejected > 0 ? compile(source, mapping, true, tables, ctx, options.zone, origin) : dry;
    // The records the steps table covers (0: not written).
    let stepsThrough = 0;
    if (loaded.rejected > 0) {
      stepsThrough = await writeRejectSteps(store, source, tables);
      await store.run(createRejectsIndex(tables, source));
    }
    summary.rowsRead = loaded.rows + loaded.rejected;
    const key = plan.anchorKey;
    if (key) {
      const [o] = await store.transaction((tx) => tx.query<{ n: number }>(sql`SELECT count(DISTINCT ${key}) AS n FROM ${ident(tables.rows)} r`));
      summary.ordersRead = Number(o?.n ?? 0);
    }
    await createPhoneTable(store, tables.phones);

    const chunks = await planChunks(store, tables, plan, loaded.rows, chunkRows);
    await placeChunkLines(store, tables, source, loaded.rejected > 0, chunks);
    options.progress?.({ file: path, phase: 'write', rows: 0, total: loaded.rows });
    for (const range of chunks) {
      stopIfAborted(options.signal, fileName, () => (range.from === 0 ? 'nothing of it was written' : `its rows before row ${range.from + 1} are in`));
      for (const statement of plan.prepare(range, chunks.length > 1 && plan.grouping)) await store.run(statement);
      await normalizePhones(store, tables.phones, plan.phones(), options.workspace.defaultRegion);
      const counts = await store.transaction((tx) => tx.query<{ kind: string; key: string | null; n: number | null }>(plan.counts(range)));
      let messages = 0;
      for (const c of counts) {
        const n = Number(c.n ?? 0);
        if (c.kind === 'skip') add(summary.skipped, c.key ?? 'skipped', n);
        else if (c.kind === 'error') add(summary.quarantined, c.key ?? 'invalid_row', n);
        else if (c.kind === 'imported') summary.rowsImported += n;
        else if (c.kind === 'event' && c.key) {
          add(summary.messages, c.key, n);
          messages += n;
        }
      }
      let relation = plan.staged(range);
      if (loaded.rejected > 0) {
        // Malformed lines are written with the chunk that spans them, so their seq falls in file order too.
        relation = sql`(${relation} UNION ALL ${readerRejections(tables, source, ctx, range)})`;
        const byCode = await store.transaction((tx) =>
          tx.query<{ code: string; n: number }>(sql`SELECT json_extract_string(q, '$.code') AS code, count(*) AS n FROM (${readerRejections(tables, source, ctx, range)}) GROUP BY 1`),
        );
        for (const r of byCode) add(summary.quarantined, r.code, Number(r.n));
      }
      const written = await ingestor.writeBulk(relation);
      summary.accepted += messages;
      summary.written += written.inserted;
      add(summary.quarantined, 'no_rate', written.noRate);
      add(summary.quarantined, 'unreadable', written.unreadable);
      options.progress?.({ file: path, phase: 'write', rows: range.to, total: loaded.rows });
    }
    summary.duplicates = Math.max(0, summary.accepted - summary.written - (summary.quarantined['no_rate'] ?? 0) - (summary.quarantined['unreadable'] ?? 0));
    if (source.layout.format === 'csv' && Object.keys(summary.quarantined).length > 0) await placeRejectionLines(store, source, tables, ctx, stepsThrough);
    summary.seconds = (performance.now() - started) / 1000;
    await recordImportEnd(store, importId, summary);
    return summary;
  } catch (err) {
    await recordImportEnd(store, importId, { error: (err as Error).message }).catch(() => undefined);
    throw err;
  } finally {
    for (const t of temp) await store.run(sql`DROP TABLE IF EXISTS ${ident(t)}`).catch(() => undefined);
    await copy?.remove();
  }
}

/**
 * Chunks of rows. Orders may spread over the file, so each order is anchored to the chunk of its
 * first row, and a chunk reads on to the last row of the orders it owns; one row is reported (as
 * skipped or quarantined) only by the chunk that holds it.
 */
async function planChunks(store: Store, tables: ImportTables, plan: Plan, rows: number, chunkRows: number): Promise<ChunkRange[]> {
  const count = Math.max(1, Math.ceil(rows / chunkRows));
  const ranges: ChunkRange[] = [];
  for (let i = 0; i < count; i++) ranges.push({ from: i * chunkRows, to: Math.min(rows, (i + 1) * chunkRows), readTo: Math.min(rows, (i + 1) * chunkRows), lineFrom: 0 });
  if (count === 1 || !plan.grouping || !plan.anchorKey) return ranges;
  await store.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(tables.anchors)} AS
    SELECT _k, min(rn) AS _first, max(rn) AS _last FROM (
      SELECT r.rowid AS rn, ${plan.anchorKey} AS _k, ${plan.skip} AS _skip FROM ${ident(tables.rows)} r
    ) WHERE _k IS NOT NULL AND _skip IS NULL GROUP BY _k`);
  const reach = await store.transaction((tx) =>
    tx.query<{ c: number; last: number }>(sql`SELECT CAST(_first // ${chunkRows} AS BIGINT) AS c, max(_last) AS last FROM ${ident(tables.anchors)} GROUP BY 1`),
  );
  for (const r of reach) {
    const range = ranges[Number(r.c)];
    if (range) range.readTo = Math.max(range.readTo, Number(r.last) + 1);
  }
  return ranges;
}

/**
 * The record numbers where chunks start (a row's number counts the malformed records before it): a
 * staged row's position is its record's offset from its chunk's first record, and malformed records
 * belong to the chunk that spans them.
 */
async function placeChunkLines(store: Store, tables: ImportTables, source: SourceFile, hasRejects: boolean, chunks: ChunkRange[]): Promise<void> {
  const firstLine = source.headerLines + 1;
  for (const [i, range] of chunks.entries()) {
    if (i === 0) range.lineFrom = firstLine;
    else if (!hasRejects) range.lineFrom = range.from + firstLine;
    else {
      const [row] = await store.transaction((tx) => tx.query<{ line: number }>(rowLine(tables, source, hasRejects, range.from)));
      range.lineFrom = Number(row?.line ?? range.from + firstLine);
    }
    const previous = chunks[i - 1];
    if (previous) previous.lineTo = range.lineFrom;
  }
}
