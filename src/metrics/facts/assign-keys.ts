import { ident, sql, type StoreTx } from '../../store/index.js';

/**
 * Gives every customer id in `table.customer_id` that has no integer key one, numbered after the
 * largest key so far. Keys are never reused or renumbered, so a rebuild keeps them.
 */
export async function assignCustomerKeys(tx: StoreTx, table: string): Promise<number> {
  return tx.run(sql`INSERT INTO customer_keys (key, id)
    SELECT (SELECT coalesce(max(key), 0) FROM customer_keys) + row_number() OVER (ORDER BY id), id
    FROM (SELECT DISTINCT customer_id AS id FROM ${ident(table)} WHERE customer_id NOT IN (SELECT id FROM customer_keys))`);
}

/** Gives every new track event name an integer code. */
export async function assignEventCodes(tx: StoreTx, seqFrom: number, seqTo: number): Promise<number> {
  return tx.run(sql`INSERT INTO event_names (code, name)
    SELECT (SELECT coalesce(max(code), 0) FROM event_names) + row_number() OVER (ORDER BY event), event
    FROM (SELECT DISTINCT event FROM events WHERE seq > ${seqFrom} AND seq <= ${seqTo} AND event IS NOT NULL
          AND event NOT IN (SELECT name FROM event_names))`);
}

/** The integer codes of event names (-1 for a name never seen, which matches no row). */
export async function eventCodes(tx: Pick<StoreTx, 'query'>, names: readonly string[]): Promise<Map<string, number>> {
  const rows = await tx.query<{ code: number; name: string }>(sql`SELECT code, name FROM event_names WHERE name IN (SELECT unnest(${names}))`);
  const codes = new Map<string, number>(names.map((n) => [n, -1]));
  for (const r of rows) codes.set(r.name, Number(r.code));
  return codes;
}
