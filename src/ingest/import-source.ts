import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TesseraError } from '../contract/index.js';
import { ident, join, raw, sql, type Sql, type Store } from '../store/index.js';
import { decodeText, type TextEncoding } from './import-encoding.js';
import { sniffFileKind } from './import-sniff.js';

/**
 * Reading a file into a temporary table with DuckDB's own readers, in one streaming pass: the
 * table spills to DuckDB's temp directory, so a file larger than memory loads in bounded memory.
 * Rows keep file order (the table's rowid), which gives every row its line number.
 * Malformed CSV rows (wrong column count, bytes that are not UTF-8) are set aside by the reader
 * itself (store_rejects) with their line and column, and the rest of the file loads.
 */

export type Delimiter = ',' | ';' | '\t' | '|' | 'whitespace';

export interface SourceLayout {
  format: 'csv' | 'parquet';
  delimiter: Delimiter;
  header: boolean;
  /** Column names in order, replacing the header's (or naming a headerless file's columns). */
  columns?: readonly string[];
  quote: '"' | "'" | 'none';
  /** Decimal separator of numbers (default: see decimalSeparator). */
  decimal?: '.' | ',';
  /** Text encoding of a CSV file (default UTF-8, see import-encoding.ts). */
  encoding?: TextEncoding;
}

/**
 * The layout's decimal separator: as set, else `,` for a `;`-delimited file (Excel where the decimal
 * separator is a comma). Parquet's numbers are typed, and their text always has a point.
 */
export function decimalSeparator(layout: Pick<SourceLayout, 'format' | 'delimiter' | 'decimal'>): '.' | ',' {
  if (layout.format === 'parquet') return '.';
  return layout.decimal ?? (layout.delimiter === ';' ? ',' : '.');
}

export interface SourceFile {
  path: string;
  layout: SourceLayout;
  /** Column names as mappings address them. */
  columns: string[];
  /** Lines before the first data row. */
  headerLines: number;
  /** gzip told from the file's first bytes, not its name (a gzip file saved without `.gz` is still gzip); else the reader's own guess. */
  compression: 'gzip' | 'auto';
  /** Text encoding of a CSV file. */
  encoding: TextEncoding;
}

/** Temp tables of one import; the names are ours (random hex), never the user's. */
export interface ImportTables {
  rows: string;
  rejects: string;
  scans: string;
  lines: string;
  orders: string;
  anchors: string;
  phones: string;
  /** Where the file's records start (csv-record-lines.ts), written only when an import has rejections. */
  steps: string;
}

export function importTables(id: string): ImportTables {
  const p = `imp_${id.replace(/[^a-f0-9]/g, '').slice(0, 16)}`;
  return { rows: `${p}_rows`, rejects: `${p}_rej`, scans: `${p}_scan`, lines: `${p}_lines`, orders: `${p}_orders`, anchors: `${p}_anchors`, phones: `${p}_phones`, steps: `${p}_steps` };
}

/** A field separator DuckDB never meets in text: whitespace-separated lines load whole and split in SQL. */
const wholeLine = '\u0001';

/** Splits one CSV header line, honouring quotes. */
export function splitHeader(line: string, delimiter: Delimiter, quote: SourceLayout['quote']): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  const q = quote === 'none' ? undefined : quote;
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (q && ch === q) {
      if (quoted && line[i + 1] === q) {
        cur += q;
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * The delimiter of a CSV header line: the one of `,` `;` tab that splits it into the most columns,
 * a comma on a tie. Excel writes `;` where the decimal separator is a comma (most of Europe).
 */
export function guessDelimiter(header: string): ',' | ';' | '\t' {
  let best: ',' | ';' | '\t' = ',';
  let most = splitHeader(header, ',', '"').length;
  for (const d of [';', '\t'] as const) {
    const n = splitHeader(header, d, '"').length;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** The first 256 KB of a file (gzip-aware: inflated). */
function readStart(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, n);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      // A header sits in the first block; a truncated gzip stream still inflates its start.
      bytes = gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (gzip-aware), without reading the rest. */
export function readFirstLine(path: string, encoding: TextEncoding = 'utf-8'): string {
  const text = decodeText(readStart(path), encoding);
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** Column names of a file: from the mapping, the CSV header, or the Parquet schema. */
export async function inspectSource(store: Store, path: string, layout: SourceLayout): Promise<SourceFile> {
  if (layout.format === 'parquet') {
    let described: { column_name: string }[];
    try {
      described = await store.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM read_parquet(${path})`);
    } catch (err) {
      throw new TesseraError('import_failed', `${path}: not a Parquet file: ${(err as Error).message.split('\n')[0]}`);
    }
    return { path, layout, columns: described.map((d) => d.column_name), headerLines: 0, compression: 'auto', encoding: 'utf-8' };
  }
  const kind = sniffFileKind(path);
  if (kind === 'parquet') throw new TesseraError('invalid_argument', `${path}: is a Parquet file, not CSV: import it with --format parquet (or file.format: parquet in the mapping)`);
  const compression = kind === 'gzip' ? 'gzip' : 'auto';
  const headerLines = layout.header ? 1 : 0;
  const encoding = layout.encoding ?? 'utf-8';
  if (layout.columns) return { path, layout, columns: uniqueNames([...layout.columns]), headerLines, compression, encoding };
  if (!layout.header) throw new TesseraError('invalid_argument', `${path}: a file without a header needs its column names (file.columns in the mapping)`);
  const first = readFirstLine(path, encoding);
  if (first.trim() === '') throw new TesseraError('import_failed', `${path}: the file is empty (no header line)`);
  return { path, layout, columns: uniqueNames(splitHeader(first, layout.delimiter, layout.quote)), headerLines, compression, encoding };
}

/** Empty header cells get a positional name, repeated names a suffix, so every column is addressable. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    const base = n === '' ? `column${i + 1}` : n;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}_${k}`;
  });
}

export interface LoadResult {
  /** Rows in the table (rows the reader could read). */
  rows: number;
  /** Rows the reader set aside as malformed. */
  rejected: number;
}

/**
 * Loads the columns a format reads into `tables.rows` (VARCHAR cells from CSV, native types from
 * Parquet). A whitespace-separated file also keeps each line's field count (`_nf`), so a line
 * with too few or too many fields is reported like a malformed CSV row.
 */
export async function loadSource(store: Store, source: SourceFile, used: ReadonlySet<string>, tables: ImportTables): Promise<LoadResult> {
  const rows = ident(tables.rows);
  const wanted = source.columns.filter((c) => used.has(c));
  let select: Sql;
  if (source.layout.format === 'parquet') {
    const cols = wanted.length > 0 ? join(wanted.map((c) => sql`${ident(c)}`)) : raw('1 AS _none');
    select = sql`SELECT ${cols}, CAST(NULL AS INTEGER) AS _nf FROM read_parquet(${source.path})`;
  } else if (source.layout.delimiter === 'whitespace') {
    const fields = wanted.map((c) => sql`_f[${source.columns.indexOf(c) + 1}] AS ${ident(c)}`);
    select = sql`SELECT ${join([...fields, raw('CAST(len(_f) AS INTEGER) AS _nf')])}
      FROM (SELECT string_split_regex(trim(c0), '\\s+') AS _f FROM ${csvReader(source, 1, tables)})`;
  } else {
    const fields = wanted.map((c) => sql`${raw(`c${source.columns.indexOf(c)}`)} AS ${ident(c)}`);
    select = sql`SELECT ${join([...fields, raw('CAST(NULL AS INTEGER) AS _nf')])} FROM ${csvReader(source, source.columns.length, tables)}`;
  }
  try {
    await store.run(sql`CREATE OR REPLACE TEMP TABLE ${rows} AS ${select}`);
  } catch (err) {
    throw new TesseraError('import_failed', `${source.path}: cannot be read: ${(err as Error).message.split('\n')[0]}`);
  }
  // The reader may report several errors on one line (bad bytes and a missing column): a line counts once.
  const [counts] = await store.transaction((tx) =>
    tx.query<{ n: number; rejected: number }>(
      source.layout.format === 'csv'
        ? sql`SELECT (SELECT count(*) FROM ${rows}) AS n, (SELECT count(DISTINCT line) FROM ${ident(tables.rejects)}) AS rejected`
        : sql`SELECT (SELECT count(*) FROM ${rows}) AS n, 0 AS rejected`,
    ),
  );
  return { rows: Number(counts?.n ?? 0), rejected: Number(counts?.rejected ?? 0) };
}

/** read_csv with every option explicit (no sniffing: a small file must not be guessed wrong). */
function csvReader(source: SourceFile, columns: number, tables: ImportTables): Sql {
  const { layout } = source;
  const whole = layout.delimiter === 'whitespace';
  const delim = whole ? wholeLine : layout.delimiter;
  const quote = whole || layout.quote === 'none' ? '' : layout.quote;
  // Column names and types are ours (c0, c1, … all VARCHAR): the header's names never enter the SQL.
  const struct = Array.from({ length: columns }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return sql`read_csv(${source.path}, header = false, skip = ${source.headerLines}, auto_detect = false,
    delim = ${delim}, quote = ${quote}, escape = ${quote}, columns = {${raw(struct)}}, compression = ${source.compression},
    store_rejects = true, rejects_table = ${tables.rejects}, rejects_scan = ${tables.scans}, max_line_size = 8388608)`;
}
