import { raw, sql, type StoreTx } from '../../store/index.js';
import { engineFunctions } from '../sql/engine-functions.js';
import type { Dialect } from '../../store/index.js';
import { eventCodes } from './assign-keys.js';
import { eventName } from './fact-tables.js';
import { keyInScope, type RefreshScope } from './scope.js';

/**
 * Per customer, over the orders that count now (not removed): first and second order, orders and
 * revenue. Rebuilt whole: it is one pass over the orders, far smaller than the event log.
 */
export async function buildCustomerOrders(tx: StoreTx): Promise<number> {
  await tx.run(sql`DELETE FROM customer_orders`);
  return tx.run(sql`INSERT INTO customer_orders (customer_key, first_order_ts, local_day, second_order_ts, second_order_day, orders, revenue)
    SELECT customer_key, max(CASE WHEN n = 1 THEN ts END), max(CASE WHEN n = 1 THEN local_day END),
      max(CASE WHEN n = 2 THEN ts END), max(CASE WHEN n = 2 THEN local_day END), count(*), sum(revenue)
    FROM (SELECT customer_key, ts, local_day, revenue, row_number() OVER (PARTITION BY customer_key ORDER BY ts, order_id) AS n
          FROM orders WHERE removed_at IS NULL) t
    GROUP BY customer_key`);
}

/** Per customer in scope: the country of their most recent event that says one. */
export async function buildCustomerCountry(tx: StoreTx, scope: RefreshScope): Promise<number> {
  if (scope.kind === 'affected') await tx.run(sql`DELETE FROM customer_country WHERE ${keyInScope(scope, sql`customer_key`)}`);
  return tx.run(sql`INSERT INTO customer_country (customer_key, country)
    SELECT customer_key, country FROM (
      SELECT customer_key, country, row_number() OVER (PARTITION BY customer_key ORDER BY ts DESC, seq DESC) AS n
      FROM event_facts WHERE country IS NOT NULL AND ${keyInScope(scope, sql`customer_key`)}) t
    WHERE n = 1`);
}

/**
 * Per customer in scope: their name as the profile shows it (identity/profile.ts folds the traits of
 * their identify calls, each key's latest value by time): the latest `name`, else the latest first
 * and last names joined. What a profile search matches.
 */
export async function buildCustomerName(tx: StoreTx, scope: RefreshScope): Promise<number> {
  if (scope.kind === 'affected') await tx.run(sql`DELETE FROM customer_name WHERE ${keyInScope(scope, sql`customer_key`)}`);
  const latest = (column: string) => sql`arg_max(${raw(column)}, {'t': ts, 's': seq}) FILTER (WHERE ${raw(column)} IS NOT NULL)`;
  return tx.run(sql`INSERT INTO customer_name (customer_key, name)
    SELECT customer_key, name FROM (
      SELECT customer_key, coalesce(nullif(trim(n), ''), nullif(concat_ws(' ', nullif(trim(f), ''), nullif(trim(l), '')), '')) AS name FROM (
        SELECT customer_key, ${latest('name')} AS n, ${latest('first_name')} AS f, ${latest('last_name')} AS l
        FROM event_facts
        WHERE type = ${'identify'} AND (name IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL) AND ${keyInScope(scope, sql`customer_key`)}
        GROUP BY customer_key) t) t
    WHERE name IS NOT NULL`);
}

/**
 * Per (customer, email_id) in scope that was delivered: the first delivery, and whether it was ever
 * opened or clicked (metrics.md counts distinct pairs, so a second open changes nothing).
 */
export async function buildEmailSends(tx: StoreTx, d: Dialect, scope: RefreshScope): Promise<number> {
  const f = engineFunctions(d);
  const codes = await eventCodes(tx, [eventName.emailDelivered, eventName.emailOpened, eventName.emailClicked]);
  const delivered = codes.get(eventName.emailDelivered) ?? -1;
  const opened = codes.get(eventName.emailOpened) ?? -1;
  const clicked = codes.get(eventName.emailClicked) ?? -1;
  if (scope.kind === 'affected') await tx.run(sql`DELETE FROM email_sends WHERE ${keyInScope(scope, sql`customer_key`)}`);
  return tx.run(sql`INSERT INTO email_sends (customer_key, email_id, delivered_ts, local_day, opened, clicked)
    SELECT customer_key, email_id, min(CASE WHEN event_code = ${delivered} THEN ts END), min(CASE WHEN event_code = ${delivered} THEN local_day END),
      ${f.anyTrue(sql`event_code = ${opened}`)}, ${f.anyTrue(sql`event_code = ${clicked}`)}
    FROM event_facts
    WHERE email_id IS NOT NULL AND event_code IN (${delivered}, ${opened}, ${clicked}) AND ${keyInScope(scope, sql`customer_key`)}
    GROUP BY customer_key, email_id
    HAVING min(CASE WHEN event_code = ${delivered} THEN ts END) IS NOT NULL`);
}
