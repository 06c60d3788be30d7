import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, join as joinPath } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, JSDuckDBValueConverter, listValue, type DuckDBResult, type DuckDBValue } from '@duckdb/node-api';
import { TesseraError, type DuckDbConfig } from '../../contract/index.js';
import type { AppendValue, ColumnChunk, Row, Store, StoreTx } from '../store.js';
import { raw, renderSql, sql, type RenderedSql, type Sql } from '../sql.js';
import type { ColumnType } from '../dialect.js';
import { databaseFile } from './database-file.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { dataDirOpenError } from './open-errors.js';

function toDuckValues(rendered: RenderedSql): DuckDBValue[] {
  return rendered.params.map(({ value }) => {
    if (value instanceof Date) return value.toISOString();
    // An empty list has no item type to bind; NULL cast to the placeholder's list type means the same to IN/unnest.
    // Numbers bind as BIGINT, not as the DOUBLE a JavaScript number would be taken for.
    if (Array.isArray(value)) return value.length === 0 ? null : listValue(value.map((v: string | number) => (typeof v === 'number' ? BigInt(v) : v)));
    return value as Exclude<typeof value, readonly string[] | readonly number[] | Date>;
  });
}

/** Column types whose raw DuckDB values are the JS values the converter would give. */
const PLAIN_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
]);

/** A BIGINT as a number when it fits exactly, else as its decimal text. */
const fromBigInt = (v: bigint): number | string => (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString());

function toJsRow(row: Record<string, unknown>): Row {
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (typeof v === 'bigint') row[key] = fromBigInt(v);
  }
  return row;
}

async function queryOn<T extends object>(conn: DuckDBConnection, fragment: Sql): Promise<T[]> {
  const rendered = renderSql(fragment, duckdbDialect);
  const reader = await conn.runAndReadAll(rendered.text, toDuckValues(rendered));
  return reader.getRowObjectsJS().map((r) => toJsRow(r) as T);
}

async function uint32ColumnsOn(conn: DuckDBConnection, fragment: Sql): Promise<Uint32Array[]> {
  const rendered = renderSql(fragment, duckdbDialect);
  const result = await conn.stream(rendered.text, toDuckValues(rendered));
  const width = result.columnCount;
  for (let k = 0; k < width; k++) {
    if (result.columnTypeId(k) !== DuckDBTypeId.UINTEGER) throw new Error(`uint32Columns: column ${result.columnName(k)} is ${result.columnType(k).toString()}, not UINTEGER`);
  }
  let columns = Array.from({ length: width }, () => new Uint32Array(4096));
  let length = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    if (length + n > (columns[0]?.length ?? 0)) {
      const room = Math.max(length + n, 2 * (columns[0]?.length ?? 0));
      columns = columns.map((c) => {
        const grown = new Uint32Array(room);
        grown.set(c.subarray(0, length));
        return grown;
      });
    }
    for (let k = 0; k < width; k++) {
      const vector = chunk.getColumnVector(k);
      const into = columns[k] as Uint32Array;
      for (let i = 0; i < n; i++) into[length + i] = (vector.getItem(i) as number | null) ?? 0;
    }
    length += n;
  }
  return columns.map((c) => c.slice(0, length));
}

async function runOn(conn: DuckDBConnection, fragment: Sql): Promise<number> {
  const rendered = renderSql(fragment, duckdbDialect);
  const result = await conn.run(rendered.text, toDuckValues(rendered));
  return Number(result.rowsChanged);
}

/** Rows appended between two turns of the event loop (~10 ms of appending). */
const appendYieldRows = 8_192;

async function appendOn(conn: DuckDBConnection, table: string, rows: Iterable<readonly AppendValue[]>): Promise<number> {
  const appender = await conn.createAppender(table);
  let n = 0;
  try {
    for (const row of rows) {
      for (const v of row) {
        if (v === null) appender.appendNull();
        else if (typeof v === 'string') appender.appendVarchar(v);
        else if (typeof v === 'boolean') appender.appendBoolean(v);
        // A safe integer only: a double such as 1e30 is an integer too, and no BIGINT holds it.
        else if (Number.isSafeInteger(v)) appender.appendBigInt(BigInt(v));
        else appender.appendDouble(v);
      }
      appender.endRow();
      // Appending is synchronous JavaScript: a large write lets other requests through now and then.
      if (++n % appendYieldRows === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return n;
}

/** The `columns = {…}` struct of DuckDB's file readers; names and types are ours, never user input. */
function columnStruct(columns: Readonly<Record<string, ColumnType>>): Sql {
  const fields = Object.entries(columns).map(([name, type]) => `'${name.replaceAll("'", "''")}': '${duckdbDialect.columnType(type)}'`);
  return raw(`{${fields.join(', ')}}`);
}

/** True when DuckDB refused the file because another process holds its write lock. */
/** Why the nearest existing directory on `path` cannot be written, or undefined if it can. */
function writeAccessError(path: string): Error | undefined {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}


/** Creates a directory; a path that is a file, or runs through one, is the user's to fix (exit 1), not an internal error. */
function makeDirectory(path: string, what: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new TesseraError('invalid_argument', `${what} ${path} is a file, not a directory`);
    if (code === 'ENOTDIR') throw new TesseraError('invalid_argument', `${what} ${path} is inside a file, not a directory`);
    // Some file systems answer ENOENT for a directory made on a read-only mount: ask the one that exists.
    throw dataDirOpenError(writeAccessError(path) ?? err, path, what);
  }
}

export interface DuckDbStoreOptions extends Omit<DuckDbConfig, 'checkpointThreshold'> {
  dataDir: string;
  /** DuckDB's own (16 MB) when unset. */
  checkpointThreshold?: string;
}

/** The embedded DuckDB store: one instance per process, writes serialized on one connection. */
export class DuckDbStore implements Store {
  readonly dialect = duckdbDialect;
  private writeChain: Promise<unknown> = Promise.resolve();
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly busy = new Set<Promise<void>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
  ) {}

  /**
   * One query at a time per reader connection: a DuckDB connection used by two queries at once can
   * corrupt memory and crash the process (duckdb-node-neo#257, duckdb#6248). Each reader has a queue
   * (its tail and its length); a query goes to the shortest.
   */
  private readonly readerTails: Promise<unknown>[] = [];
  private readonly readerPending: number[] = [];

  static async open(options: DuckDbStoreOptions): Promise<DuckDbStore> {
    makeDirectory(options.dataDir, 'the data directory');
    const tmp = joinPath(options.dataDir, 'tmp');
    makeDirectory(tmp, 'the temporary directory');
    let instance: DuckDBInstance;
    try {
      // DuckDB's default memory limit is 80% of RAM; a server sharing the box needs it explicit.
      instance = await DuckDBInstance.create(databaseFile(options.dataDir), {
        memory_limit: options.memoryLimit,
        threads: String(options.threads),
        temp_directory: tmp,
        ...(options.checkpointThreshold ? { checkpoint_threshold: options.checkpointThreshold } : {}),
      });
    } catch (err) {
      throw dataDirOpenError(err, options.dataDir);
    }
    const connect = async () => {
      const conn = await instance.connect();
      // Timestamps are stored as UTC; casts through TIMESTAMPTZ must not pick up the machine's zone.
      await conn.run("SET TimeZone = 'UTC'");
      return conn;
    };
    const writer = await connect();
    const readers = [await connect(), await connect()];
    return new DuckDbStore(instance, writer, readers);
  }

  query<T extends object = Row>(fragment: Sql): Promise<T[]> {
    return this.onReader((conn) => queryOn<T>(conn, fragment));
  }

  private onReader<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(this.closingError());
    let i = 0;
    for (let j = 1; j < this.readers.length; j++) if ((this.readerPending[j] ?? 0) < (this.readerPending[i] ?? 0)) i = j;
    const conn = this.readers[i] as DuckDBConnection;
    this.readerPending[i] = (this.readerPending[i] ?? 0) + 1;
    const result = (this.readerTails[i] ?? Promise.resolve()).then(() => fn(conn));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.readerTails[i] = settled.then(() => {
      this.readerPending[i] = (this.readerPending[i] ?? 1) - 1;
    });
    return this.inFlight(result);
  }

  run(fragment: Sql): Promise<number> {
    return this.serialize(() => runOn(this.writer, fragment));
  }

  uint32Columns(fragment: Sql): Promise<Uint32Array[]> {
    return this.onReader((conn) => uint32ColumnsOn(conn, fragment));
  }

  appendRows(table: string, rows: Iterable<readonly AppendValue[]>): Promise<number> {
    return this.serialize(() => appendOn(this.writer, table, rows));
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      const tx: StoreTx = {
        query: (f) => queryOn(this.writer, f),
        run: (f) => runOn(this.writer, f),
        uint32Columns: (f) => uint32ColumnsOn(this.writer, f),
        appendRows: (table, rows) => appendOn(this.writer, table, rows),
      };
      try {
        const result = await fn(tx);
        await this.writer.run('COMMIT');
        return result;
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async *stream<T extends object = Row>(fragment: Sql, chunkRows = 10_000): AsyncIterable<T[]> {
    let batch: T[] = [];
    for await (const result of this.results(fragment)) {
      const chunks = result.yieldConvertedRowObjects(JSDuckDBValueConverter)[Symbol.asyncIterator]();
      for (;;) {
        // A stream left open across close() stops at its next chunk rather than reading a closed database.
        this.refuseWhenClosing();
        const next = await this.inFlight(chunks.next());
        if (next.done) break;
        for (const row of next.value) batch.push(toJsRow(row) as T);
        if (batch.length >= chunkRows) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) yield batch;
  }

  async *streamColumns<T extends object = Row>(fragment: Sql, chunkRows = 10_000): AsyncIterable<ColumnChunk<T>> {
    for await (const result of this.results(fragment)) {
      const names = result.columnNames();
      // Text, booleans and numbers come out of DuckDB as JS values already; the converter's call per value
      // is left for the rest (timestamps, decimals, lists), where it costs about as much as the query.
      const plain = names.map((_, k) => PLAIN_TYPES.has(result.columnTypeId(k)));
      let columns: unknown[][] = names.map(() => []);
      let length = 0;
      const emit = (): ColumnChunk<T> => {
        const chunk = { length, columns: Object.fromEntries(names.map((name, k) => [name, columns[k]])) } as unknown as ColumnChunk<T>;
        columns = names.map(() => []);
        length = 0;
        return chunk;
      };
      for (;;) {
        this.refuseWhenClosing();
        const chunk = await this.inFlight(result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) break;
        for (let k = 0; k < names.length; k++) {
          const into = columns[k]!;
          const values = plain[k] ? chunk.getColumnValues(k) : chunk.convertColumnValues(k, JSDuckDBValueConverter);
          for (const v of values) into.push(typeof v === 'bigint' ? fromBigInt(v) : v);
        }
        length += chunk.rowCount;
        if (length >= chunkRows) yield emit();
      }
      if (length > 0) yield emit();
    }
  }

  /** Runs a streaming query on a connection of its own, closed once the caller has read the result. */
  private async *results(fragment: Sql): AsyncIterable<DuckDBResult> {
    this.refuseWhenClosing();
    const conn = await this.inFlight(this.instance.connect());
    try {
      await this.inFlight(conn.run("SET TimeZone = 'UTC'"));
      const rendered = renderSql(fragment, duckdbDialect);
      yield await this.inFlight(conn.stream(rendered.text, toDuckValues(rendered)));
    } finally {
      conn.closeSync();
    }
  }

  jsonLines(paths: readonly string[], columns: Readonly<Record<string, ColumnType>>): Sql {
    // One JSON parse per line: typed top-level fields come out of the same pass as the JSON column.
    return sql`read_json(${paths}, format = 'newline_delimited', ignore_errors = true, columns = ${columnStruct(columns)})`;
  }

  csvRows(path: string, columns: Readonly<Record<string, ColumnType>>): Sql {
    // Nothing sniffed: the writer's format is known, and a sniffed type or delimiter could differ per file.
    return sql`read_csv(${path}, columns = ${columnStruct(columns)}, header = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', auto_detect = false, strict_mode = true)`;
  }

  async copyToParquet(fragment: Sql, path: string): Promise<number> {
    const rendered = renderSql(fragment, duckdbDialect);
    // COPY takes no bound parameters: the query must carry none, and the path is quoted as a literal.
    if (rendered.params.length > 0) throw new Error('copyToParquet: the query may not have parameters');
    const literal = `'${path.replaceAll("'", "''")}'`;
    const result = await this.onReader((conn) => conn.run(`COPY (${rendered.text}) TO ${literal} (FORMAT parquet, COMPRESSION zstd)`));
    return Number(result.rowsChanged);
  }

  /**
   * Refuses new work, waits for every statement already started or queued (identity refreshes,
   * scheduled jobs and exports may still be running when a server stops), then checkpoints and
   * closes. Closing a connection under a running statement frees memory DuckDB is still using.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      while (this.busy.size > 0) await Promise.all([...this.busy]);
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      for (const r of this.readers) r.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    })();
    return this.closed;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(this.closingError());
    const next = this.writeChain.then(fn, fn);
    this.writeChain = next.catch(() => undefined);
    return this.inFlight(next);
  }

  private refuseWhenClosing(): void {
    if (this.closing) throw this.closingError();
  }

  private closingError(): TesseraError {
    return new TesseraError('shutting_down', 'the store is closing; no new statements are accepted');
  }

  /** Counts a native call as running until it settles, so close() can wait for it. */
  private inFlight<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.busy.add(settled);
    void settled.then(() => this.busy.delete(settled));
    return p;
  }
}
