import { eventCustomerId, eventsWithCustomerJoins } from '../../identity/index.js';
import { ident, sql, type Sql } from '../../store/index.js';

/**
 * The customer of each event of `e`, as profiles resolve it (identity's `eventCustomerId`: the customer
 * of its mapped identifier of the highest configured priority). An event none of whose identifiers is mapped yet stands for itself
 * under its raw identifier (`user:…`, `anon:…`), so a visitor who never identified still has one key, and the
 * facts do not wait for identity to run.
 */
function resolvedCustomerId(priority: readonly string[]): Sql {
  return sql`coalesce(${eventCustomerId(priority)},
    CASE WHEN e.user_id IS NOT NULL THEN ${'user:'} || e.user_id
         WHEN e.email IS NOT NULL THEN ${'email:'} || e.email
         WHEN e.phone IS NOT NULL THEN ${'phone:'} || e.phone
         ELSE ${'anon:'} || coalesce(e.anonymous_id, ${''}) END)`;
}

/**
 * Creates the temp table `name (seq, customer_id)` of the events matching `where` (over `e`),
 * resolved against the current customer_map, its identifiers ranked by `priority` (identity's readMapPriority).
 */
export function createResolvedTable(name: string, where: Sql, priority: readonly string[]): Sql {
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS
    SELECT e.seq, ${resolvedCustomerId(priority)} AS customer_id
    FROM ${eventsWithCustomerJoins(priority)}
    WHERE ${where}`;
}
