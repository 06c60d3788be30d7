import { TesseraError } from '../contract/index.js';
import { raw, sql, type Dialect, type Sql } from '../store/index.js';

/**
 * SQL segments need that the store's Dialect does not spell (quantiles, JSON at a path chosen by a
 * user, text tests), per engine in this one file so that moving them into the Dialect later is a
 * move. Every user-supplied text is a bound parameter, never part of the SQL text.
 */
export interface SegmentFunctions {
  /** The quantiles (linear interpolation) of a numeric expression, as a list; `ps` are our constants. */
  quantiles(value: Sql, ps: readonly number[]): Sql;
  /** The i-th (1-based) item of a list expression. */
  listItem(list: Sql, i: number): Sql;
  /** Whole days from date `from` to date `to`. */
  daysBetween(from: Sql, to: Sql): Sql;
  /** Whole months from the month of date `from` to the month of date `to`. */
  monthsBetween(from: Sql, to: Sql): Sql;
  /** The first day of a date's month. */
  monthStart(date: Sql): Sql;
  /** A date's month as YYYY-MM text. */
  monthLabel(date: Sql): Sql;
  /** Text of a JSON column at an RFC 6901 pointer given as a bound value (any key, however hostile). */
  jsonPointerText(column: Sql, pointer: string): Sql;
  /** Text as a number, NULL when it is not one. */
  tryNumber(text: Sql): Sql;
  /** `needle` occurs in `text`, literally (no LIKE wildcards). */
  contains(text: Sql, needle: string): Sql;
  startsWith(text: Sql, prefix: string): Sql;
  endsWith(text: Sql, suffix: string): Sql;
  /** The value of `value` on the row with the greatest `by` (an aggregate). */
  argMax(value: Sql, by: Sql): Sql;
  /** The value of `value` on the row with the least `by` (an aggregate). */
  argMin(value: Sql, by: Sql): Sql;
  /** The keyword that makes a CTE computed once however often it is read (empty where the engine has none). */
  materialized(): Sql;
}

const duckdb: SegmentFunctions = {
  quantiles: (value, ps) => sql`quantile_cont(${value}, ${raw(`[${ps.map((p) => p.toString()).join(', ')}]`)})`,
  listItem: (list, i) => sql`${list}[${raw(String(Math.trunc(i)))}]`,
  daysBetween: (from, to) => sql`date_diff('day', ${from}, ${to})`,
  monthsBetween: (from, to) => sql`date_diff('month', date_trunc('month', ${from}), date_trunc('month', ${to}))`,
  monthStart: (date) => sql`CAST(date_trunc('month', ${date}) AS DATE)`,
  monthLabel: (date) => sql`strftime(${date}, '%Y-%m')`,
  jsonPointerText: (column, pointer) => sql`json_extract_string(${column}, ${pointer})`,
  tryNumber: (text) => sql`TRY_CAST(${text} AS DOUBLE)`,
  contains: (text, needle) => sql`(strpos(${text}, ${needle}) > 0)`,
  startsWith: (text, prefix) => sql`starts_with(${text}, ${prefix})`,
  endsWith: (text, suffix) => sql`ends_with(${text}, ${suffix})`,
  argMax: (value, by) => sql`arg_max(${value}, ${by})`,
  argMin: (value, by) => sql`arg_min(${value}, ${by})`,
  materialized: () => raw('MATERIALIZED'),
};

/** The segment functions of a store's dialect. */
export function segmentFunctions(d: Dialect): SegmentFunctions {
  if (d.name === 'duckdb') return duckdb;
  throw new TesseraError('internal', `segments are not implemented for ${d.name} yet`);
}

/** An RFC 6901 JSON pointer to a key path: `~` and `/` inside a key are escaped, nothing else is special. */
export function jsonPointer(path: readonly string[]): string {
  return path.map((k) => '/' + k.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}
