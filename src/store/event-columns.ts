import type { Dialect } from './dialect.js';
import { sql, type Sql } from './sql.js';

/**
 * `context.externalIds` of a message as JSON text, NULL when the message has none: the `external_ids`
 * column, computed where an event is written and where migration 9 fills it for events stored before.
 * The substring test spares a JSON parse of the messages without the key (nearly all of them); reading
 * it from every stored message is what identity resolution did before the column, a scan of the whole
 * log's text (with ~800-byte messages, 3.2M events: 7–11 s of a rebuild's query instead of ~4.6 s).
 */
export function externalIdsOf(dialect: Dialect, message: Sql): Sql {
  return sql`CASE WHEN CAST(${message} AS VARCHAR) LIKE ${'%"externalIds"%'} THEN CAST(${dialect.jsonValue(message, ['context', 'externalIds'])} AS VARCHAR) END`;
}
