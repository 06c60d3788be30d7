import { raw, sql, type Store } from '../store/index.js';

/**
 * Removes the `no_rate` rows of orders the event log holds. A retry after `rates import` (retry-quarantine.ts)
 * logs each order durably, then deletes its quarantine row; a process killed between the two leaves the row,
 * and the order, loaded from the log when the next process opens the data directory, is stored beside it:
 * the quarantine then asks for a rate that was given, for an order already counted. This is what the retry
 * would have done: an order the log holds is a duplicate there, and its row is deleted.
 *
 * The stored keys are asked for those of the quarantined orders (a semi-join built on the quarantine's side, as
 * staging.ts does), so the cost follows the orders waiting for a rate, not the size of the log.
 */
export async function dropStoredNoRate(store: Store): Promise<number> {
  const d = store.dialect;
  return store.run(sql`DELETE FROM quarantine WHERE seq IN (
    WITH waiting AS MATERIALIZED (
      SELECT seq, ${d.messageKey(d.jsonText(raw('raw'), ['messageId']))} AS key FROM quarantine WHERE code = 'no_rate'
    ),
    stored AS (SELECT DISTINCT e.message_key AS key FROM events e WHERE e.message_key IN (SELECT key FROM waiting))
    SELECT w.seq FROM waiting w JOIN stored s ON s.key = w.key)`);
}
