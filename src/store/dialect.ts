import type { ParamType, Renderer, Sql } from './sql.js';

/** `key`: a 128-bit unsigned integer, the width of `messageKey`. */
export type ColumnType = 'text' | 'int' | 'float' | 'bool' | 'timestamp' | 'date' | 'json' | 'decimal' | 'key';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

/** A table as data, so each dialect can spell its own DDL (DuckDB keys, ClickHouse engines). */
export interface TableDef {
  name: string;
  columns: readonly ColumnDef[];
  primaryKey?: readonly string[];
  /** Sort key for engines that store sorted (ClickHouse); DuckDB ignores it. */
  orderBy?: readonly string[];
}

export type { Grain } from '../contract/index.js';
import type { Grain } from '../contract/index.js';

/**
 * Everything that differs between engines. Queries are written once against this object;
 * a second copy of a query per engine is what it exists to prevent.
 */
export interface Dialect extends Renderer {
  readonly name: 'duckdb' | 'clickhouse';
  placeholder(index: number, type: ParamType): string;
  quoteIdent(name: string): string;
  columnType(type: ColumnType): string;
  createTable(def: TableDef): Sql;
  /** `INSERT INTO table (columns)` that skips rows whose primary key exists (engines that merge later may just insert). */
  insertIgnore(table: string, columns: readonly string[]): Sql;
  /** The JSON value at a path of a JSON column, as JSON. */
  jsonValue(column: Sql, path: readonly string[]): Sql;
  /** An ISO-8601 timestamp string parsed to a UTC timestamp. */
  parseTimestamp(text: Sql): Sql;
  /** Text at a JSON path (keys as a list) of a JSON column, or NULL. */
  jsonText(column: Sql, path: readonly string[]): Sql;
  /**
   * The texts at several paths of a JSON column from one parse of it: a list whose item k (`listItem`) is
   * `jsonText(column, paths[k])`. Each jsonText parses the whole document again.
   */
  jsonTexts(column: Sql, paths: ReadonlyArray<readonly string[]>): Sql;
  /** Item `index` (from 0) of a list, NULL past its end. */
  listItem(list: Sql, index: number): Sql;
  /** A message id's 128-bit hash (a `key` column): the event log's dedup key. */
  messageKey(text: Sql): Sql;
  /** The top two 32-bit words of a `key` column, as two unsigned 32-bit integers: what an in-memory key filter hashes. */
  keyWords(key: Sql): [Sql, Sql];
  /** Milliseconds since the epoch of a UTC timestamp, as an integer. */
  epochMs(column: Sql): Sql;
  /** An aggregate: the values of `column` at each fraction (0–1) of its sorted values, as a list (an actual value each). */
  quantiles(column: Sql, fractions: readonly number[]): Sql;
  /**
   * Text columns joined into one text, each followed by a NUL (a NULL as nothing before its NUL); NULL when
   * a value holds a NUL itself. One string per row crosses into JavaScript instead of one per column.
   */
  packText(columns: readonly Sql[]): Sql;
  /** The values as a JSON array text (a NULL as null). */
  jsonArray(columns: readonly Sql[]): Sql;
  /**
   * A JSON object text of the named values (keys of `[a-z_]` only); a JSON value stays JSON, not a string of it.
   * One text per row crosses into JavaScript instead of one per column.
   */
  jsonObject(fields: Readonly<Record<string, Sql>>): Sql;
  /** The calendar date of a UTC timestamp in time zone `tz`. */
  localDate(column: Sql, tz: string): Sql;
  /** Start of the period holding `column` (a UTC timestamp), cut in time zone `tz`, as a local timestamp. */
  truncate(grain: Grain, column: Sql, tz: string): Sql;
}
