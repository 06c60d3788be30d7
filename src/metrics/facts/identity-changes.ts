import { engineFunctions } from '../sql/engine-functions.js';
import { raw, sql, type Store, type StoreTx } from '../../store/index.js';

/** A cheap fingerprint of customer_map: when it is unchanged, no event needs re-keying. */
export async function customerMapFingerprint(store: Store, tx: Pick<StoreTx, 'query'>): Promise<string> {
  const f = engineFunctions(store.dialect);
  const rows = await tx.query<{ fp: string }>(sql`SELECT ${f.fingerprint([sql`type`, sql`value`, sql`customer_id`])} AS fp FROM customer_map`);
  return rows[0]?.fp ?? '';
}

/**
 * The identifiers whose mapping differs between the live customer_map and the copy the facts were
 * built with (added, removed or moved to another customer), as the temp table `changed_identifiers`.
 */
export async function collectChangedIdentifiers(tx: StoreTx): Promise<number> {
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE changed_identifiers AS
    SELECT DISTINCT type, value FROM (
      (SELECT type, value, customer_id FROM customer_map EXCEPT SELECT type, value, customer_id FROM fact_customer_map)
      UNION ALL
      (SELECT type, value, customer_id FROM fact_customer_map EXCEPT SELECT type, value, customer_id FROM customer_map))`);
  const rows = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM changed_identifiers`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Events already folded in (seq ≤ lastSeq) that carry one of the changed identifiers, as a condition over `e`. An
 * external id (`context.externalIds`) can decide an event's customer (identity's eventCustomerId), so an event
 * carrying a changed one is resolved again too: matched by value whatever its type (an external id may be of a
 * column's type, `email` or `phone`), a superset that only costs resolving a few events again.
 */
export function carriesChangedIdentifier(lastSeq: number) {
  const of = (type: string) => sql`(SELECT value FROM changed_identifiers WHERE type = ${type})`;
  // An external id typed `email`, `phone` (or Segment's `user_id`) is that type's identifier, so their values are
  // looked for too. Not anonymous ids: they are most of what a refresh adds (every new device), and each event with
  // external ids tests its ids against this whole list; Segment's `anonymous_id` external ids are left to a rebuild.
  const external = sql`(SELECT coalesce(list(value), []) FROM changed_identifiers WHERE type <> ${'anon'})`;
  return sql`e.seq <= ${lastSeq} AND (e.user_id IN ${of('user')} OR e.email IN ${of('email')} OR e.phone IN ${of('phone')} OR e.anonymous_id IN ${of('anon')}
    OR (e.external_ids IS NOT NULL AND list_has_any(json_extract_string(e.external_ids, ${raw(`'$[*].id'`)}), ${external})))`;
}

/** Makes the facts' copy of customer_map the live one. */
export async function snapshotCustomerMap(tx: StoreTx): Promise<void> {
  await tx.run(sql`DELETE FROM fact_customer_map`);
  await tx.run(sql`INSERT INTO fact_customer_map (type, value, customer_id) SELECT type, value, customer_id FROM customer_map`);
}
