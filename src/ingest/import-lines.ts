import { ident, join, raw, sql, type Sql } from '../store/index.js';
import { encodingHint } from './import-encoding.js';
import { jsonObject, jsonString } from './import-sql.js';
import type { ImportTables, SourceFile } from './import-source.js';
import type { Mapping } from './mapping.js';
import type { ColumnScope } from './mapping-sql.js';

/**
 * The parsed lines of one chunk of a file: a temp table with each row's position, record number
 * (`_line`: header lines, then one a record, blank lines and the line breaks inside quoted fields not
 * counted), skip reason, first error and the fields a format reads. Formats build their messages from it;
 * rows with an error become quarantine records (reason, file:record, column, the row's cells), whose
 * record the import turns into the file's line once the chunks are written (import-line-numbers.ts).
 */

export interface ChunkRange {
  /** Rows whose own outcome this chunk reports (skips, errors): rowid in [from, to). */
  from: number;
  to: number;
  /** Rows the chunk reads (lines of orders that start in [from, to) may run past `to`). */
  readTo: number;
  /** Record number where the chunk starts (the first chunk: the first record after the header). */
  lineFrom: number;
  /** Record number where the next chunk starts; the last chunk has none. Malformed records go to the chunk that spans them. */
  lineTo?: number;
}

/**
 * A staged row's position `n` in its chunk, in file order: four slots a line (its rejection, then
 * the completed, refunded and cancelled messages an order anchored on that line makes), so seq
 * follows the file whatever order the SQL produces rows in.
 */
export function linePosition(range: ChunkRange, line: Sql, slot: 0 | 1 | 2 | 3): Sql {
  return sql`(4 * (${line} - ${range.lineFrom}) + ${slot + 1})`;
}

export interface LineField {
  name: string;
  expr: Sql;
}

/** A check on the parsed fields (outer level): the first that holds is the row's error. */
export interface LineCheck {
  when: Sql;
  code: string;
  reason: Sql;
  field: string | null;
}

export interface LinesSpec {
  source: SourceFile;
  scope: ColumnScope;
  mapping: Mapping;
  fields: readonly LineField[];
  checks: readonly LineCheck[];
  /** The reader set rows aside, so record numbers need the rejects index. */
  hasRejects: boolean;
}

/** `rows.rowid` to the row's record number: header lines, plus the malformed records the reader set aside before it. */
export function lineExpr(source: SourceFile, hasRejects: boolean): Sql {
  const base = 1 + source.headerLines;
  return hasRejects ? sql`(r.rowid + ${base} + coalesce(x.n, 0))` : sql`(r.rowid + ${base})`;
}

/** FROM clause of the loaded rows, joined to the rejects index when record numbers need it. */
export function rowsFrom(tables: ImportTables, hasRejects: boolean): Sql {
  return hasRejects
    ? sql`${ident(tables.rows)} r ASOF LEFT JOIN ${ident(`${tables.rejects}_idx`)} x ON r.rowid >= x.g`
    : sql`${ident(tables.rows)} r`;
}

/**
 * The rows the reader set aside, one a line, with `rec`, the line's record number: the reader's `line`
 * counts blank lines too, and the steps table (import-line-numbers.ts), written when there are rejects,
 * says how many precede each record.
 */
function rejectedRecords(tables: ImportTables): Sql {
  return sql`(SELECT j.*, j.line - coalesce(s.unit - s.rec, 0) AS rec
    FROM (SELECT DISTINCT ON (line) * FROM ${ident(tables.rejects)} ORDER BY line) j ASOF LEFT JOIN ${ident(tables.steps)} s ON j.line >= s.unit)`;
}

/**
 * Index of the rows the reader set aside: for the i-th malformed record (0-based, in file order),
 * g is how many good rows precede it, so a good row's record number is its position plus the header
 * plus the malformed records before it (found with an ASOF join).
 */
export function createRejectsIndex(tables: ImportTables, source: SourceFile): Sql {
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(`${tables.rejects}_idx`)} AS
    SELECT max(g) AS g, max(n) AS n FROM (
      SELECT rec - ${source.headerLines + 1} - (row_number() OVER (ORDER BY rec) - 1) AS g, row_number() OVER (ORDER BY rec) AS n
      FROM ${rejectedRecords(tables)}
    ) GROUP BY g`;
}

/** The skip reason of a row (first matching rule), or NULL. */
export function skipReason(scope: ColumnScope, mapping: Mapping): Sql {
  if (mapping.skip.length === 0) return raw('CAST(NULL AS VARCHAR)');
  const arms = mapping.skip.map((rule, i) => sql`WHEN ${scope.condition(rule.where, `skip.${i}.where`)} THEN ${rule.reason}`);
  return sql`CASE ${join(arms, ' ')} END`;
}

const errorStruct = (code: string, reason: Sql, field: string | null): Sql => sql`{'code': ${code}, 'reason': ${reason}, 'field': ${field ?? raw('CAST(NULL AS VARCHAR)')}}`;

/** CREATE TEMP TABLE lines for one chunk. */
export function createLines(tables: ImportTables, spec: LinesSpec, range: ChunkRange): Sql {
  const { scope, mapping, source } = spec;
  const expected = source.columns.length;
  const inner: Sql[] = [
    raw('r.rowid AS _rn'),
    sql`${lineExpr(source, spec.hasRejects)} AS _line`,
    raw('r._nf AS _nf'),
    // Rows with nothing in them are left out before any rule: no rule or check can say anything true of them.
    sql`CASE WHEN ${scope.emptyRow()} THEN 'empty_row' ELSE ${skipReason(scope, mapping)} END AS _skip`,
    ...mapping.reject.map((rule, i) => sql`${scope.condition(rule.where, `reject.${i}.where`)} AS ${raw(`_rj${i}`)}`),
    ...spec.fields.map((f) => sql`${f.expr} AS ${ident(f.name)}`),
  ];
  const arms: Sql[] = [
    sql`WHEN _nf IS NOT NULL AND _nf <> ${expected} THEN ${errorStruct('wrong_column_count', sql`'expected ' || ${expected} || ' fields, found ' || _nf`, null)}`,
    ...mapping.reject.map((rule, i) => sql`WHEN ${raw(`_rj${i}`)} THEN ${errorStruct('rejected_by_mapping', sql`${rule.reason}`, rule.field ?? null)}`),
    ...spec.checks.map((c) => sql`WHEN ${c.when} THEN ${errorStruct(c.code, c.reason, c.field)}`),
  ];
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(tables.lines)} AS
    SELECT *, CASE ${join(arms, ' ')} END AS _err
    FROM (SELECT ${join(inner)} FROM ${rowsFrom(tables, spec.hasRejects)} WHERE r.rowid >= ${range.from} AND r.rowid < ${range.readTo})`;
}

export interface StagedContext {
  source: string;
  /** File name in locations (`orders.csv:17`). */
  fileName: string;
  receivedAt: string;
}

/** A staged row carrying a rejection (the other columns NULL); `n` is its position (linePosition). */
export function rejectionRow(ctx: StagedContext, q: { code: Sql; reason: Sql; field: Sql; location: Sql; raw: Sql; n: Sql }): Sql {
  const json = jsonObject([
    { key: 'code', value: jsonString(q.code) },
    { key: 'reason', value: jsonString(q.reason) },
    { key: 'field', value: jsonString(q.field) },
    { key: 'location', value: jsonString(q.location) },
    { key: 'raw', value: jsonString(q.raw) },
    { key: 'receivedAt', value: jsonString(sql`${ctx.receivedAt}`) },
  ]);
  return sql`${ctx.source} AS s, NULL::VARCHAR AS id, NULL::VARCHAR AS t, NULL::VARCHAR AS e, NULL::VARCHAR AS u, NULL::VARCHAR AS a,
    NULL::TIMESTAMP AS ts, NULL::TIMESTAMP AS r, NULL::JSON AS m, CAST(${json} AS JSON) AS q, NULL::VARCHAR AS o, NULL::VARCHAR AS c,
    NULL::DECIMAL(18,4) AS v, NULL::VARCHAR AS em, NULL::VARCHAR AS ph, NULL::VARCHAR AS ch, NULL::VARCHAR AS x, NULL::VARCHAR AS l, CAST(${q.n} AS BIGINT) AS n`;
}

/** The cells a format read from a row, as a JSON object: the `raw` of its quarantine record. */
export function rawCells(scope: ColumnScope, alias = 'r'): Sql {
  const cols = [...scope.used];
  if (cols.length === 0) return raw(`'{}'`);
  return jsonObject(cols.map((c) => ({ key: c, userKey: true, value: sql`coalesce(${jsonString(sql`${ident(alias)}.${ident(c)}`)}, 'null')` })));
}

/** Rejections of the chunk's own rows: each row with an error, once, at its own position. */
export function lineRejections(tables: ImportTables, spec: LinesSpec, ctx: StagedContext, range: ChunkRange): Sql {
  const loc = sql`${ctx.fileName} || ':' || l._line`;
  const n = linePosition(range, raw('l._line'), 0);
  return sql`SELECT ${rejectionRow(ctx, { code: raw('l._err.code'), reason: raw('l._err.reason'), field: raw('l._err.field'), location: loc, raw: rawCells(spec.scope), n })}
    FROM ${ident(tables.lines)} l JOIN ${ident(tables.rows)} r ON r.rowid = l._rn
    WHERE l._err IS NOT NULL AND l._skip IS NULL AND l._rn < ${range.to} AND r.rowid >= ${range.from} AND r.rowid < ${range.to}`;
}

/** Rows the reader set aside (malformed CSV) on the chunk's records, as rejections with their record number and the line's text. */
export function readerRejections(tables: ImportTables, source: SourceFile, ctx: StagedContext, range?: ChunkRange): Sql {
  const names = source.layout.delimiter === 'whitespace' ? [] : source.columns;
  const code = sql`CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN 'wrong_column_count'
    WHEN error_type = 'INVALID ENCODING' OR error_type = 'INVALID UNICODE' THEN 'invalid_encoding'
    WHEN error_type = 'CAST' THEN 'invalid_value' ELSE 'malformed_row' END`;
  const field = sql`CASE WHEN regexp_matches(column_name, '^c[0-9]+$') THEN list_extract(${names}::VARCHAR[], CAST(substr(column_name, 2) AS INTEGER) + 1) END`;
  const loc = sql`${ctx.fileName} || ':' || rec`;
  const n = range ? linePosition(range, raw('rec'), 0) : raw('rec');
  const records = range
    ? sql`WHERE rec >= ${range.lineFrom} ${range.lineTo === undefined ? raw('') : sql`AND rec < ${range.lineTo}`}`
    : raw('');
  const hint = source.encoding === 'utf-8' ? sql`CASE WHEN error_type IN ('INVALID ENCODING', 'INVALID UNICODE') THEN ${encodingHint} ELSE '' END` : raw(`''`);
  return sql`SELECT ${rejectionRow(ctx, { code, reason: sql`lower(error_type) || ': ' || error_message || ${hint}`, field, location: loc, raw: raw(`ltrim(csv_line, chr(10) || chr(13))`), n })}
    FROM ${rejectedRecords(tables)} ${records}`;
}

/** The record number of a loaded row (by rowid): where a chunk starts. */
export function rowLine(tables: ImportTables, source: SourceFile, hasRejects: boolean, rowid: number): Sql {
  return sql`SELECT ${lineExpr(source, hasRejects)} AS line FROM ${rowsFrom(tables, hasRejects)} WHERE r.rowid = ${rowid}`;
}
