import { ident, sql, type Store } from '../store/index.js';
import { scanRecordSteps } from './csv-record-lines.js';
import type { StagedContext } from './import-lines.js';
import { incompleteOrderLine } from './import-orders.js';
import { dropRepeatedRejections } from './import-rejections.js';
import type { ImportTables, SourceFile } from './import-source.js';

/**
 * The file's own line numbers in what an import quarantines. The chunks are written numbering rows
 * by record (all the bulk SQL knows, and what orders messages' seq), and so are their rejections;
 * after the last chunk, when anything was quarantined, those records become the lines an editor
 * shows (a blank line or a quoted line break before a row moves it down), from one scan of the file
 * as far as the last rejected record. Like dropping repeated rejections, this follows the writes, so
 * an import without rejections never reads its file twice.
 */

/**
 * (Re)writes the steps table with the steps of the file's records up to record `through`
 * (csv-record-lines.ts); returns `through`. DuckDB reads a `.zst` file by its name, which Node 20
 * cannot inflate: its table stays empty, and its records keep their numbers.
 */
async function writeRecordSteps(store: Store, source: SourceFile, tables: ImportTables, through: number): Promise<number> {
  await store.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(tables.steps)} (rec BIGINT, unit BIGINT, line BIGINT)`);
  if (source.compression === 'auto' && /\.zst$/i.test(source.path)) return through;
  for await (const steps of scanRecordSteps(source, through)) await store.appendRows(tables.steps, steps);
  return through;
}

/**
 * Writes the steps as far as the last line the reader set aside: it numbers those lines counting blank
 * ones, rows are numbered by record (import-lines.ts), and the rejects index needs both in one numbering.
 * Returns the records covered.
 */
export async function writeRejectSteps(store: Store, source: SourceFile, tables: ImportTables): Promise<number> {
  const [last] = await store.transaction((tx) => tx.query<{ line: number | null }>(sql`SELECT max(line) AS line FROM ${ident(tables.rejects)}`));
  // A record's number is at most its line's, so scanning as many records covers the last line.
  return writeRecordSteps(store, source, tables, Number(last?.line ?? 0));
}

/**
 * Rewrites the locations of the rejections this import quarantined (`file:record` → `file:line`), and
 * the line an `incomplete_order` reason names. `covered`: the records the steps table already covers
 * (0 when it was not written).
 */
export async function placeRejectionLines(store: Store, source: SourceFile, tables: ImportTables, ctx: StagedContext, covered: number): Promise<void> {
  const prefix = `${ctx.fileName}:`;
  const own = sql`(SELECT seq, reason, TRY_CAST(substr(location, length(${prefix}) + 1) AS BIGINT) AS rec,
      CASE WHEN code = 'incomplete_order' THEN TRY_CAST(regexp_extract(reason, ${incompleteOrderLine}, 1) AS BIGINT) END AS bad
    FROM quarantine
    WHERE source = ${ctx.source} AND received_at = ${store.dialect.parseTimestamp(sql`${ctx.receivedAt}`)} AND starts_with(location, ${prefix}))`;
  // The import holds the file's rows: what is read here is what the transaction below rewrites.
  const [top] = await store.query<{ last: number | null; first_seq: number | null; last_seq: number | null }>(
    sql`SELECT greatest(max(rec), max(bad)) AS last, min(seq) AS first_seq, max(seq) AS last_seq FROM ${own}`,
  );
  const last = Number(top?.last ?? 0);
  if (last === 0) return;
  const written = { after: Number(top?.first_seq) - 1, upTo: Number(top?.last_seq) };
  if (last > covered) await writeRecordSteps(store, source, tables, last);
  const steps = ident(tables.steps);
  await store.transaction(async (tx) => {
    const moved = await tx.run(sql`UPDATE quarantine SET location = p.location, reason = p.reason
    FROM (SELECT q.seq, ${prefix} || (q.rec + coalesce(s.line - s.rec, 0)) AS location,
        CASE WHEN q.bad IS NULL THEN q.reason ELSE regexp_replace(q.reason, ${incompleteOrderLine}, 'line ' || (q.bad + coalesce(b.line - b.rec, 0))) END AS reason
      FROM (SELECT * FROM ${own} WHERE rec IS NOT NULL) q
      ASOF LEFT JOIN ${steps} s ON q.rec >= s.rec
      ASOF LEFT JOIN ${steps} b ON q.bad >= b.rec) p
    WHERE quarantine.seq = p.seq AND (quarantine.location <> p.location OR quarantine.reason <> p.reason)`);
    // Each write dropped the rejections an earlier import of the file held at the same place, but the place was
    // still a record number then: a line moved by a blank line or a quoted line break matches only now.
    if (moved > 0) await dropRepeatedRejections(tx, store, written, 'row');
  });
}
