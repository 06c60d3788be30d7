export type { Store, StoreTx, Row, AppendValue, ColumnChunk } from './store.js';
export type { Dialect, TableDef, ColumnDef, ColumnType, Grain } from './dialect.js';
export { sql, ident, raw, join, param, renderSql, Sql, type SqlValue, type ParamType } from './sql.js';
export { migrate, migrations } from './migrations.js';
export { replaceTable } from './replace-table.js';
export { externalIdsOf, matchingExternalIds } from './event-columns.js';
export { eventsTable, eventsTableV1, quarantineTable, loadedSegmentsTable, apiKeysTable, ratesTable, importsTable, customerMapTable, identitySplitsTable } from './schema.js';
export { duckdbDialect } from './duckdb/duckdb-dialect.js';
import type { DuckDbStoreOptions } from './duckdb/duckdb-store.js';
export { duckDbStoreExists } from './duckdb/database-file.js';
import { migrate } from './migrations.js';
import type { Store } from './store.js';

/** Opens the embedded DuckDB store in a data directory and brings its schema up to date. */
export async function openDuckDbStore(options: DuckDbStoreOptions): Promise<Store> {
  // DuckDB's native module takes ~0.4-0.8 s to load here: a command that only prints help or is forwarded to a
  // running server never opens a store, so it does not pay for it.
  const { DuckDbStore } = await import('./duckdb/duckdb-store.js');
  const store = await DuckDbStore.open(options);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
