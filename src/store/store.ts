import type { ColumnType, Dialect } from './dialect.js';
import type { Sql } from './sql.js';

export type Row = Record<string, unknown>;

/** Rows as columns: `columns[name][i]` is row i's value of column `name`. */
export interface ColumnChunk<T extends object = Row> {
  readonly length: number;
  readonly columns: { readonly [K in keyof T]: ReadonlyArray<T[K]> };
}

/** What a transaction may do: the same reads and writes as the store, on one connection. */
export type AppendValue = string | number | boolean | null;

export interface StoreTx {
  query<T extends object = Row>(fragment: Sql): Promise<T[]>;
  run(fragment: Sql): Promise<number>;
  /**
   * A query of unsigned 32-bit integer columns read into one typed array per column (NULL reads as 0): millions of
   * integers without a JavaScript value each.
   */
  uint32Columns(fragment: Sql): Promise<Uint32Array[]>;
  /** Appends rows (values in the table's column order) in bulk; the fast path for data made in JavaScript. */
  appendRows(table: string, rows: Iterable<readonly AppendValue[]>): Promise<number>;
}

/**
 * The one storage interface. Domain code builds queries with the dialect and runs them here;
 * DuckDB (embedded, default) and ClickHouse (scale-out) implement it.
 */
export interface Store extends StoreTx {
  readonly dialect: Dialect;
  /** Runs `fn` in one write transaction; writes are serialized, reads run beside them. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Streams rows in chunks so exports of any size run in bounded memory. */
  stream<T extends object = Row>(fragment: Sql, chunkRows?: number): AsyncIterable<T[]>;
  /**
   * Streams the same rows as column arrays, values as `stream` gives them: for readers of millions of rows,
   * where making an object per row costs more than the query (identity's rebuild: 3.2M events).
   */
  streamColumns<T extends object = Row>(fragment: Sql, chunkRows?: number): AsyncIterable<ColumnChunk<T>>;
  /** A table expression over local files of JSON lines, with the named top-level fields as columns. */
  jsonLines(paths: readonly string[], columns: Readonly<Record<string, ColumnType>>): Sql;
  /**
   * A table expression over a local CSV file that Tessera wrote itself: UTF-8, no header, `,` between
   * fields, every field that may hold a delimiter quoted with `"` (a quote doubled), `\n` after each row.
   */
  csvRows(path: string, columns: Readonly<Record<string, ColumnType>>): Sql;
  /** Writes a query's rows to a Parquet file; returns the row count. */
  copyToParquet(fragment: Sql, path: string): Promise<number>;
  close(): Promise<void>;
}
