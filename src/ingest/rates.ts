import type { WorkspaceConfig } from '../contract/index.js';
import { discardFactState } from '../metrics/index.js';
import { sql, type Store } from '../store/index.js';
import { readRatesFile } from './rates-file.js';
import { reconvertStoredOrders } from './reconvert-orders.js';

export interface RatesImport {
  /** Rates in the file (one per date and currency). */
  rows: number;
  /** Of those, rates that replaced a different rate of the same date and currency. */
  corrected: number;
  /** Stored orders converted again at a corrected rate. */
  reconverted: number;
  currencies: string[];
  from: string | null;
  to: string | null;
}

/**
 * Imports `date,currency,rate_to_base` (a rate converts one unit of the currency to the base
 * currency), replacing rates of the same date and currency. A file with any unreadable line imports
 * nothing (see rates-file.ts). One transaction: the rates, the orders stored at the rates they replace
 * and the facts derived from those orders change together, or not at all.
 */
export async function importRates(store: Store, path: string, workspace: WorkspaceConfig): Promise<RatesImport> {
  return store.transaction(async (tx) => {
    const rows = await readRatesFile(tx, path);
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE rate_changes AS
      SELECT n.date, n.currency, n.rate_to_base, o.rate_to_base AS old_rate
      FROM rate_rows n LEFT JOIN rates o ON o.date = n.date AND o.currency = n.currency
      WHERE o.rate_to_base IS DISTINCT FROM n.rate_to_base`);
    await tx.run(sql`INSERT OR REPLACE INTO rates SELECT date, currency, rate_to_base FROM rate_changes`);
    const [changes] = await tx.query<{ corrected: number }>(sql`SELECT count(old_rate) AS corrected FROM rate_changes`);
    const reconverted = await reconvertStoredOrders(tx, store.dialect, workspace);
    // The facts read orders as they were when folded in; an incremental refresh only reads newer events.
    if (reconverted.orders > 0 || reconverted.refunds > 0) await discardFactState(tx);
    await tx.run(sql`DROP TABLE rate_changes`);
    await tx.run(sql`DROP TABLE rate_rows`);

    const summary = await tx.query<{ currencies: string | null; lo: Date | null; hi: Date | null }>(
      sql`SELECT string_agg(DISTINCT currency, ',' ORDER BY currency) AS currencies, min(date) AS lo, max(date) AS hi FROM rates`,
    );
    const s = summary[0];
    return {
      rows,
      corrected: Number(changes?.corrected ?? 0),
      reconverted: reconverted.orders,
      currencies: s?.currencies ? s.currencies.split(',') : [],
      from: s?.lo ? s.lo.toISOString().slice(0, 10) : null,
      to: s?.hi ? s.hi.toISOString().slice(0, 10) : null,
    };
  });
}
