import type { Dialect, TableDef } from './dialect.js';
import { ident, sql } from './sql.js';
import type { StoreTx } from './store.js';

/**
 * Replaces every row of a table, inside the caller's transaction: `fill` writes the rows into a new table
 * (named `next`, returning how many), which then takes the old one's name. Deleting
 * every old row instead records each deletion and, under a key, maintains the index row by row: for
 * customer_map at 5.2M rows, 90 s without a key and 150 s with one, where the new table costs the
 * write alone (~7 s through the appender, ~3.6 s from a file DuckDB reads).
 */
export async function replaceTable(tx: StoreTx, dialect: Dialect, def: TableDef, fill: (next: string) => Promise<number>): Promise<number> {
  const next = `${def.name}_next`;
  await tx.run(sql`DROP TABLE IF EXISTS ${ident(next)}`);
  await tx.run(dialect.createTable({ ...def, name: next }));
  const written = await fill(next);
  await tx.run(sql`DROP TABLE ${ident(def.name)}`);
  await tx.run(sql`ALTER TABLE ${ident(next)} RENAME TO ${ident(def.name)}`);
  return written;
}
