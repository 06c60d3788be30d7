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

/**
 * What the identity graph trims from an identifier's value (identity/identifier.ts `isSpace`, NUL aside), so
 * an email stored here is one the graph's normalizer leaves as it is.
 */
const GRAPH_SPACES = String.fromCharCode(
  ...Array.from({ length: 32 }, (_, i) => i + 1),
  0xa0,
  0xfeff,
  ...Array.from({ length: 12 }, (_, i) => 0x2000 + i),
  0x3000,
);

/**
 * An `external_ids` text (JSON, or NULL) with each id of type `email` or `phone` in the form the identity graph
 * matches it in (identity/identifier.ts: an email trimmed and lower-cased; a phone's digits, with its leading
 * `+`, when it has five or more), so `customer_map`, which holds the graph's form, joins it as stored.
 * Ingestion standardizes these ids before they get here (a phone to E.164, which this leaves as it is); this is
 * for what did not go through that: events stored before it (migration 13), log lines written before it, and
 * an import mapping whose customer id type is `email` or `phone`. Anything else passes unchanged: text that
 * is not a JSON array, entries that are not {type: text, id: text or number}, other types. DuckDB only (the
 * dialect spells no JSON list functions yet).
 */
export function matchingExternalIds(text: Sql): Sql {
  const type = sql`lower(trim(json_extract_string(j, '$.type')))`;
  const id = sql`json_extract_string(j, '$.id')`;
  const digits = sql`regexp_replace(${id}, '[^0-9]', '', 'g')`;
  const usable = sql`json_type(j, '$.type') = 'VARCHAR' AND json_type(j, '$.id') IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE')`;
  const entry = sql`CASE
      WHEN NOT coalesce(${usable}, false) THEN j
      WHEN ${type} = 'email' THEN json_merge_patch(j, json_object('id', lower(trim(${id}, ${GRAPH_SPACES}))))
      WHEN ${type} = 'phone' AND length(${digits}) >= 5
        THEN json_merge_patch(j, json_object('id', CASE WHEN ltrim(${id}, ${GRAPH_SPACES}) LIKE '+%' THEN '+' ELSE '' END || ${digits}))
      ELSE j END`;
  // The substring test spares a JSON parse of the ids that cannot hold such a type (nearly all of them).
  return sql`CASE WHEN ${text} ILIKE '%email%' OR ${text} ILIKE '%phone%'
    THEN coalesce(CAST(to_json(list_transform(TRY_CAST(${text} AS JSON[]), lambda j: ${entry})) AS VARCHAR), ${text})
    ELSE ${text} END`;
}
