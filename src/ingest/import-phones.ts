import { ident, sql, type Sql, type Store } from '../store/index.js';
import { normalizePhone } from './standardize.js';

/**
 * Phones are the one field standardized in JavaScript (libphonenumber-js has no SQL twin): each
 * distinct raw phone of a chunk is parsed once and the results joined back in SQL, so the cost
 * follows the number of distinct phones, not of rows.
 */
export async function createPhoneTable(store: Store, table: string): Promise<void> {
  await store.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(table)} (raw VARCHAR PRIMARY KEY, e164 VARCHAR)`);
}

/** Normalizes the phones that `distinct` lists (a query with a `raw` column) and are not in the table yet. */
export async function normalizePhones(store: Store, table: string, distinct: Sql, region: string): Promise<number> {
  const fresh = await store.transaction((tx) => tx.query<{ raw: string }>(sql`SELECT raw FROM (${distinct}) WHERE raw NOT IN (SELECT raw FROM ${ident(table)})`));
  if (fresh.length === 0) return 0;
  const raws = fresh.map((f) => f.raw);
  const e164 = raws.map((r) => normalizePhone(r, region) ?? '');
  await store.run(sql`INSERT INTO ${ident(table)} SELECT unnest(${raws}), nullif(unnest(${e164}), '')`);
  return raws.length;
}
