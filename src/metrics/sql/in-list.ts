import { join, sql, type Sql, type SqlValue } from '../../store/index.js';

/** `column IN (v1, v2, …)` with every value bound; FALSE for an empty list. */
export function inList(column: Sql, values: readonly SqlValue[]): Sql {
  if (values.length === 0) return sql`FALSE`;
  return sql`${column} IN (${join(values.map((v) => sql`${v}`))})`;
}
