import type { Dialect } from './dialect.js';
import { sql, type Sql } from './sql.js';

/**
 * `context.externalIds` of a message as JSON text, NULL when the message has none, read from the message's
 * text: how migration 9 fills the `external_ids` column for events stored before it, and how the loader
 * fills it for a log line written before lines carried the ids (`x`; writers take them from what they
 * already hold, without this scan). The substring test spares a JSON parse of the messages without the key
 * (nearly all of them). Identity resolution read it this way from every stored message before the column:
 * a scan of the whole log's text (with ~800-byte messages, 3.2M events: 7–11 s of a rebuild's query
 * instead of ~4.6 s).
 */
export function externalIdsOf(dialect: Dialect, message: Sql): Sql {
  return sql`CASE WHEN CAST(${message} AS VARCHAR) LIKE ${'%"externalIds"%'} THEN CAST(${dialect.jsonValue(message, ['context', 'externalIds'])} AS VARCHAR) END`;
}
