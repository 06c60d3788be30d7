import { ident, sql, type Sql } from '../../store/index.js';

/**
 * The customer of each event of `events AS e`: the customer_id of its highest-priority identifier
 * that identity resolution mapped (user, then email, then phone, then anon). An event none of whose
 * identifiers is mapped yet stands for itself under its raw identifier (`user:…`, `anon:…`), so a
 * visitor who never identified still has one key, and the facts do not wait for identity to run.
 */
export function resolvedCustomerJoins(): Sql {
  return sql`
    LEFT JOIN customer_map cm_user ON cm_user.type = ${'user'} AND cm_user.value = e.user_id
    LEFT JOIN customer_map cm_email ON cm_email.type = ${'email'} AND cm_email.value = e.email
    LEFT JOIN customer_map cm_phone ON cm_phone.type = ${'phone'} AND cm_phone.value = e.phone
    LEFT JOIN customer_map cm_anon ON cm_anon.type = ${'anon'} AND cm_anon.value = e.anonymous_id`;
}

/** The customer id expression over the joins of `resolvedCustomerJoins`. */
export function resolvedCustomerId(): Sql {
  return sql`coalesce(cm_user.customer_id, cm_email.customer_id, cm_phone.customer_id, cm_anon.customer_id,
    CASE WHEN e.user_id IS NOT NULL THEN ${'user:'} || e.user_id
         WHEN e.email IS NOT NULL THEN ${'email:'} || e.email
         WHEN e.phone IS NOT NULL THEN ${'phone:'} || e.phone
         ELSE ${'anon:'} || coalesce(e.anonymous_id, ${''}) END)`;
}

/**
 * Creates the temp table `name (seq, customer_id)` of the events matching `where` (over `e`),
 * resolved against the current customer_map.
 */
export function createResolvedTable(name: string, where: Sql): Sql {
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS
    SELECT e.seq, ${resolvedCustomerId()} AS customer_id
    FROM events e ${resolvedCustomerJoins()}
    WHERE ${where}`;
}
