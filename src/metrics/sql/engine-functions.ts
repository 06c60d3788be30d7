import { TesseraError } from '../../contract/index.js';
import { raw, sql, type Dialect, type Sql } from '../../store/index.js';

/**
 * SQL the metrics need that the store's Dialect does not spell yet (lists, URL hosts, lenient
 * number parsing, hashing). Kept in this one file, per engine, so that moving these into the
 * Dialect later is a move, not a hunt; DuckDB is the only engine implemented today.
 */
export interface EngineFunctions {
  /** A relation of parallel text lists, one column each, cast to `type` (zipped row by row). */
  listRelation(columns: readonly { name: string; values: readonly string[]; type: 'date' | 'int' | 'text' }[]): Sql;
  /** The host of a URL, lower-cased, or NULL. */
  urlHost(url: Sql): Sql;
  /** The site of a host: without a leading `www.` or `m.` (when a domain with a dot remains), so one site is one value. */
  siteHost(host: Sql): Sql;
  /** A text as a number, NULL when it is not one. */
  tryNumber(text: Sql): Sql;
  /** A timestamp plus a whole number of days (`days` is a bound value). */
  addDays(ts: Sql, days: number): Sql;
  /** Milliseconds since the epoch of a timestamp. */
  epochMs(ts: Sql): Sql;
  /** An order-independent fingerprint (text) of a set of rows' values. */
  fingerprint(values: readonly Sql[]): Sql;
  /** The elements of a JSON array at a path, as a list expression. */
  jsonArray(column: Sql, path: readonly string[]): Sql;
  /** One row per element of a list expression, as `item`, with its 1-based position as `pos` (select-list items). */
  unnestWithPosition(list: Sql, item: string, pos: string): Sql;
  /** A value of a JSON element (from jsonArray) at a key, as text. */
  jsonItemText(item: Sql, key: string): Sql;
  /** A boolean aggregate: true when any row is true. */
  anyTrue(condition: Sql): Sql;
  /** The aggregate value of `value` on the row with the least `by`. */
  argMin(value: Sql, by: Sql): Sql;
}

const quoteKey = (key: string): string => `'$."${key.replaceAll('"', '\\"').replaceAll("'", "''")}"'`;

const duckdb: EngineFunctions = {
  listRelation(columns) {
    const cast = { date: 'DATE', int: 'BIGINT', text: 'VARCHAR' } as const;
    const items = columns.map((c) => sql`CAST(unnest(${c.values}) AS ${raw(cast[c.type])}) AS ${raw(`"${c.name}"`)}`);
    return items.reduce((acc, item, i) => (i === 0 ? sql`SELECT ${item}` : sql`${acc}, ${item}`), raw(''));
  },
  urlHost: (url) => sql`nullif(lower(regexp_extract(${url}, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)', 1)), '')`,
  siteHost: (host) => sql`regexp_replace(${host}, '^(?:www|m)[.]([^.]+[.].)', '\\1')`,
  tryNumber: (text) => sql`TRY_CAST(${text} AS DOUBLE)`,
  addDays: (ts, days) => sql`(${ts} + to_days(CAST(${days} AS INTEGER)))`,
  epochMs: (ts) => sql`epoch_ms(${ts})`,
  fingerprint(values) {
    const list = values.reduce((acc, v, i) => (i === 0 ? v : sql`${acc}, ${v}`), raw(''));
    return sql`CAST(count(*) AS VARCHAR) || ':' || CAST(coalesce(sum(hash(${list})), 0) AS VARCHAR)`;
  },
  jsonArray(column, path) {
    const text = '$' + path.map((k) => `."${k.replaceAll('"', '\\"')}"`).join('') + '[*]';
    return sql`json_extract(${column}, ${raw(`'${text.replaceAll("'", "''")}'`)})`;
  },
  unnestWithPosition: (list, item, pos) => sql`unnest(${list}) AS ${raw(`"${item}"`)}, unnest(range(1, len(${list}) + 1)) AS ${raw(`"${pos}"`)}`,
  jsonItemText: (item, key) => sql`json_extract_string(${item}, ${raw(quoteKey(key))})`,
  anyTrue: (condition) => sql`coalesce(bool_or(${condition}), FALSE)`,
  argMin: (value, by) => sql`arg_min(${value}, ${by})`,
};

/** The engine functions of a store's dialect. */
export function engineFunctions(dialect: Dialect): EngineFunctions {
  if (dialect.name === 'duckdb') return duckdb;
  throw new TesseraError('internal', `the metrics engine does not support ${dialect.name} yet`);
}
