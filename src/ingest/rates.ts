import { TesseraError } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';

export interface RatesImport {
  rows: number;
  currencies: string[];
  from: string | null;
  to: string | null;
}

/**
 * Imports `date,currency,rate_to_base` (a rate converts one unit of the currency to the base
 * currency). DuckDB reads the file; a row with a bad date, code or rate fails the whole import
 * with its line, since a half-loaded rates table would convert some days and not others.
 */
export async function importRates(store: Store, path: string): Promise<RatesImport> {
  const file = sql`read_csv(${path}, header = true, all_varchar = true, columns = {'date': 'VARCHAR', 'currency': 'VARCHAR', 'rate_to_base': 'VARCHAR'})`;
  let bad: { line: number; date: string | null; currency: string | null; rate_to_base: string | null }[];
  try {
    bad = await store.query(sql`
      SELECT line, date, currency, rate_to_base FROM (
        SELECT row_number() OVER () + 1 AS line, * FROM ${file}
      ) WHERE try_cast(date AS DATE) IS NULL OR NOT regexp_full_match(trim(coalesce(currency, '')), '[A-Za-z]{3}')
        OR try_cast(rate_to_base AS DOUBLE) IS NULL OR try_cast(rate_to_base AS DOUBLE) <= 0
      ORDER BY line LIMIT 5`);
  } catch (err) {
    throw new TesseraError('import_failed', `${path}: not a rates CSV (date,currency,rate_to_base): ${(err as Error).message.split('\n')[0]}`);
  }
  const first = bad[0];
  if (first) {
    const field = first.date === null || Number.isNaN(Date.parse(first.date)) ? 'date' : first.currency && /^[A-Za-z]{3}$/.test(first.currency.trim()) ? 'rate_to_base' : 'currency';
    throw new TesseraError('import_failed', `${path}:${first.line}: column ${field} is invalid (${JSON.stringify(first[field])}); nothing was imported`);
  }
  return store.transaction(async (tx) => {
    const rows = await tx.run(sql`
      INSERT OR REPLACE INTO rates
      SELECT CAST(date AS DATE), upper(trim(currency)), CAST(rate_to_base AS DOUBLE) FROM ${file}`);
    const summary = await tx.query<{ currencies: string | null; lo: Date | null; hi: Date | null }>(
      sql`SELECT string_agg(DISTINCT currency, ',' ORDER BY currency) AS currencies, min(date) AS lo, max(date) AS hi FROM rates`,
    );
    const s = summary[0];
    return {
      rows,
      currencies: s?.currencies ? s.currencies.split(',') : [],
      from: s?.lo ? s.lo.toISOString().slice(0, 10) : null,
      to: s?.hi ? s.hi.toISOString().slice(0, 10) : null,
    };
  });
}
