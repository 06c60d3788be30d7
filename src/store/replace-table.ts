import type { Dialect, TableDef } from './dialect.js';
import { ident, sql, type Sql } from './sql.js';
import type { AppendValue, StoreTx } from './store.js';

/**
 * Replaces every row of a table, inside the caller's transaction: the rows (those of the relation
 * `options.from`, then `rows`) go into a new table, which then takes the old one's name. Deleting
 * every old row instead records each deletion and, under a key, maintains the index row by row: for
 * customer_map at 5.2M rows, 90 s without a key and 150 s with one, where the new table costs the
 * write alone (~7 s through the appender, ~3.6 s from a file DuckDB reads).
 */
export async function replaceTable(
  tx: StoreTx,
  dialect: Dialect,
  def: TableDef,
  rows: Iterable<readonly AppendValue[]>,
  options: { from?: Sql } = {},
): Promise<number> {
  const next = `${def.name}_next`;
  await tx.run(sql`DROP TABLE IF EXISTS ${ident(next)}`);
  await tx.run(dialect.createTable({ ...def, name: next }));
  // Rows a query can give (a file the engine reads itself) go in set-wise, the rest through the appender.
  let written = options.from === undefined ? 0 : await tx.run(sql`INSERT INTO ${ident(next)} SELECT * FROM ${options.from}`);
  written += await tx.appendRows(next, rows);
  await tx.run(sql`DROP TABLE ${ident(def.name)}`);
  await tx.run(sql`ALTER TABLE ${ident(next)} RENAME TO ${ident(def.name)}`);
  return written;
}
