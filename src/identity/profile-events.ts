import { raw, sql, type Sql } from '../store/index.js';

/**
 * The customer of each event of `events AS e`: the customer of its highest-priority identifier
 * (user, email, phone, anon), as the identity graph resolves a message with several identifiers.
 * The one rule profiles, exports and the metric facts share, so a KPI counts an event for the customer whose
 * profile shows it. It follows the default priority; a workspace that reorders `identity.priority` or relies on
 * source-declared ids alone is still read in this order (a difference only where a link was refused).
 */
export function eventCustomerJoins(): Sql {
  return sql`
    LEFT JOIN customer_map pu ON pu.type = ${'user'} AND pu.value = e.user_id
    LEFT JOIN customer_map pe ON pe.type = ${'email'} AND pe.value = e.email
    LEFT JOIN customer_map pp ON pp.type = ${'phone'} AND pp.value = e.phone
    LEFT JOIN customer_map pa ON pa.type = ${'anon'} AND pa.value = e.anonymous_id`;
}

export const eventCustomerId: Sql = raw('coalesce(pu.customer_id, pe.customer_id, pp.customer_id, pa.customer_id)');

/**
 * Whether the event's email and phone belong to the customer it resolves to (over `eventCustomerJoins`): an identify
 * can carry an address the graph refused (a blocked value, one over the email limit), which is someone else's or
 * nobody's, and must not become the trait an email tool sends to.
 */
export const eventContactsOwned: Sql = sql`(e.email IS NULL OR coalesce(pe.customer_id = ${eventCustomerId}, false)) AS email_owned,
  (e.phone IS NULL OR coalesce(pp.customer_id = ${eventCustomerId}, false)) AS phone_owned`;

/**
 * Events of one customer. The identifier lists narrow the scan; the resolved-customer test then
 * drops events whose higher-priority identifier belongs to someone else (a shared device).
 */
export function customerEventsQuery(customerId: string, ids: { user: string[]; email: string[]; phone: string[]; anon: string[] }, columns: Sql, tail: Sql = raw('')): Sql {
  return sql`SELECT ${columns} FROM events e ${eventCustomerJoins()}
    WHERE (e.user_id IN (SELECT unnest(${ids.user})) OR e.email IN (SELECT unnest(${ids.email}))
        OR e.phone IN (SELECT unnest(${ids.phone})) OR e.anonymous_id IN (SELECT unnest(${ids.anon})))
      AND ${eventCustomerId} = ${customerId}
    ${tail}`;
}
