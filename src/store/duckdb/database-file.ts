import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The database file of a data directory. Apart from the store so that asking after it does not load DuckDB. */
export const databaseFile = (dataDir: string): string => join(dataDir, 'tessera.duckdb');

/** Whether a data directory holds a store already (opening one creates it). */
export const duckDbStoreExists = (dataDir: string): boolean => existsSync(databaseFile(dataDir));
