import { raw, sql, type Sql } from '../store/index.js';

/**
 * The anonymous ids that file imports made up (ingest's `anonymousId`: `customers:C1001`, `orders:ann@x.com`,
 * `shopify:guest:5001`), as the condition `<value> IN (…)`: an imported row (channel `import`) whose anonymous
 * id starts as its message id does, with the source's name and a colon (`orders:ORD-1:completed`). The graph
 * needs them (every message hangs on an identifier, and they link a file's rows), but they are no device or
 * browser a person used: the customer id, email or phone they are made of is shown in its own right. Segment
 * and PostHog show a person only the ids that were sent. The message id, not the stored source, carries the
 * prefix through `events export` and an import of its file into another workspace (whose source is the file's).
 */
export function isImportMadeAnonId(value: Sql): Sql {
  return sql`${value} IN (SELECT anonymous_id FROM events WHERE channel = ${'import'} AND anonymous_id IS NOT NULL
    AND contains(message_id, ${':'}) AND starts_with(anonymous_id, split_part(message_id, ${':'}, 1) || ${':'}))`;
}

/** Of a customer's anonymous ids, those an import made up (isImportMadeAnonId). */
export function importMadeAnonIdsQuery(values: readonly string[]): Sql {
  return sql`SELECT DISTINCT value FROM (SELECT unnest(${[...values]}) AS value) WHERE ${isImportMadeAnonId(raw('value'))}`;
}

/**
 * A customer's identifiers as profiles show them: without the anonymous ids imports made up, unless they are
 * all it has (a guest's order), so that no profile lists no identifier at all.
 */
export function shownIdentifiers<T extends { type: string; value: string }>(identifiers: readonly T[], madeUp: (i: T) => boolean): T[] {
  const shown = identifiers.filter((i) => !madeUp(i));
  return shown.length > 0 ? shown : [...identifiers];
}
