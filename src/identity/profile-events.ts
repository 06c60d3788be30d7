import { EXTERNAL_PRIORITY } from '../contract/index.js';
import { join, param, raw, sql, type Sql } from '../store/index.js';

/** The identifier types events carry in columns of their own, with the alias their customer_map join has. */
const COLUMN_TYPES = [
  { type: 'user', alias: 'pu' },
  { type: 'email', alias: 'pe' },
  { type: 'phone', alias: 'pp' },
  { type: 'anon', alias: 'pa' },
] as const;

/** The rank (1 first) of a type `priority` does not name, as compileMergeRules ranks it: the place of `external`, else last. */
function externalRank(priority: readonly string[]): number {
  const external = priority.indexOf(EXTERNAL_PRIORITY);
  return external >= 0 ? external + 1 : priority.length + 1;
}

/** Rank of a type in `priority` (1 first), as compileMergeRules ranks it. */
function rankIn(priority: readonly string[], type: string): number {
  const at = priority.indexOf(type);
  return at >= 0 ? at + 1 : externalRank(priority);
}

/**
 * `events AS e` with the joins eventCustomerId reads: customer_map for each identifier column, and the best-ranked
 * of the event's mapped external ids (`context.externalIds`, as identity reads them: `user_id` is a user,
 * `anonymous_id` an anon, other types lower-cased) as `e.px_customer_id`, with its rank `e.px_r`. `priority` is the
 * type order the stored map was resolved under (readMapPriority). Callers write `FROM ${eventsWithCustomerJoins(p)}`.
 */
export function eventsWithCustomerJoins(priority: readonly string[]): Sql {
  return joinsOver(priority, raw('events'), raw('customer_map'));
}

/**
 * eventsWithCustomerJoins for the events whose seqs are `seqs`, joined to `map` (the customer_map rows of their
 * identifiers, found beforehand: customer-events.ts): `ctes` go in the query's WITH, `from` after its FROM. For one
 * customer's events: with the whole map, each of the five joins built or probed a hash table of every identifier (at
 * 1M customers, 5.2M rows: 0.5–1.4 s a join, and a profile runs four such queries). `name` keeps the CTEs of a query
 * nested in another's apart.
 */
export function knownCustomerJoins(priority: readonly string[], seqs: readonly number[], map: KnownMapRows, name = 'known'): { ctes: Sql; from: Sql } {
  const events = raw(`${name}_events`);
  const mapRows = raw(`${name}_map`);
  return {
    // list_contains, not IN (SELECT unnest(…)): a filter the scan applies before it reads the other columns, where the
    // semi-join read every message (a demo-shop customer's 174 events: 76–95 against 171–190 ms; at 1M, 30 against 61–87).
    ctes: sql`${events} AS MATERIALIZED (SELECT * FROM events e WHERE list_contains(${param([...seqs], 'int[]')}, e.seq)),
      ${mapRows} AS (SELECT unnest(${param([...map.types], 'string[]')}) AS type, unnest(${param([...map.values], 'string[]')}) AS value,
        unnest(${param([...map.customerIds], 'string[]')}) AS customer_id)`,
    from: joinsOver(priority, events, mapRows),
  };
}

/** customer_map rows as three lists of one length, to bind as parameters. */
export interface KnownMapRows {
  readonly types: readonly string[];
  readonly values: readonly string[];
  readonly customerIds: readonly string[];
}

/**
 * The identifiers the external ids (`context.externalIds`, a JSON text) of an event name, as identity reads them
 * (observations-query.ts): rows (type, id), `user_id` a user, `anonymous_id` an anon, other types lower-cased.
 * Anything but an array of {type: text, id: text or number} names nobody, and must not fail the query (TRY_CAST) of
 * every profile and fact.
 */
export function externalIdentifiers(externalIds: Sql): Sql {
  return sql`SELECT CASE t WHEN ${'user_id'} THEN ${'user'} WHEN ${'anonymous_id'} THEN ${'anon'} ELSE t END AS type, id FROM (
      SELECT lower(trim(json_extract_string(j, '$.type'))) AS t, json_extract_string(j, '$.id') AS id
      FROM (SELECT unnest(TRY_CAST(${externalIds} AS JSON[])) AS j)
      WHERE json_type(j, '$.type') = 'VARCHAR' AND json_type(j, '$.id') IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE'))`;
}

/** The relation of eventsWithCustomerJoins over the events of `events` and the identifiers of `map`. */
function joinsOver(priority: readonly string[], events: Sql, map: Sql): Sql {
  const external = externalRank(priority);
  // A LEFT JOIN LATERAL over every event made DuckDB materialize them all, with the columns the query reads, for its
  // delim join (0.1–0.7 s of each of `profiles export`'s queries on the demo shop) though few carry external ids, and
  // DuckDB refuses a non-inner one guarded by `external_ids IS NOT NULL`: only those events take the inner lateral
  // join (an ungrouped aggregate, so one row each, NULLs when none is mapped). A caller's plain filter on `e` (a
  // type, a seq range) is pushed into both arms.
  return sql`(
      SELECT e.*, CAST(NULL AS VARCHAR) AS px_customer_id, CAST(NULL AS BIGINT) AS px_r FROM ${events} e WHERE e.external_ids IS NULL
      UNION ALL
      SELECT e.*, px.customer_id, px.r FROM ${events} e, LATERAL (
        SELECT arg_min(cm.customer_id, (x.r, x.type, x.id)) AS customer_id, min(x.r) AS r FROM (
          SELECT type, id, coalesce(list_position(${[...priority]}, type), ${external}) AS r FROM (${externalIdentifiers(raw('e.external_ids'))})) x
        JOIN ${map} cm ON cm.type = x.type AND cm.value = x.id) px
      WHERE e.external_ids IS NOT NULL) e
    LEFT JOIN ${map} pu ON pu.type = ${'user'} AND pu.value = e.user_id
    LEFT JOIN ${map} pe ON pe.type = ${'email'} AND pe.value = e.email
    LEFT JOIN ${map} pp ON pp.type = ${'phone'} AND pp.value = e.phone
    LEFT JOIN ${map} pa ON pa.type = ${'anon'} AND pa.value = e.anonymous_id`;
}

/**
 * The customer of each event of `e` (over eventsWithCustomerJoins): the customer of its identifier of the
 * highest-priority type in the configured `identity.priority`, as compareRepr ranks a customer's members, so an
 * event whose identifiers a refused link left in two customers goes where the rules put the highest one (ties
 * among external ids of one rank by type, then value). The one rule profiles, exports and the metric facts
 * share, so a KPI counts an event for the customer whose profile shows it.
 */
export function eventCustomerId(priority: readonly string[]): Sql {
  // An external id outranking a column's type wins before it; e.px_r is NULL (no test holds) without one.
  const ordered = [...COLUMN_TYPES].sort((a, b) => rankIn(priority, a.type) - rankIn(priority, b.type));
  const arms = ordered.map(
    ({ type, alias }) => sql`WHEN e.px_r < ${rankIn(priority, type)} THEN e.px_customer_id WHEN ${raw(alias)}.customer_id IS NOT NULL THEN ${raw(alias)}.customer_id`,
  );
  return sql`(CASE ${join(arms, ' ')} ELSE e.px_customer_id END)`;
}

/**
 * Whether the event's email and phone belong to the customer it resolves to (over `eventsWithCustomerJoins`): an identify
 * can carry an address the graph refused (a blocked value, one over the email limit), which is someone else's or
 * nobody's, and must not become the trait an email tool sends to.
 */
export function eventContactsOwned(priority: readonly string[]): Sql {
  const customer = eventCustomerId(priority);
  return sql`(e.email IS NULL OR coalesce(pe.customer_id = ${customer}, false)) AS email_owned,
  (e.phone IS NULL OR coalesce(pp.customer_id = ${customer}, false)) AS phone_owned`;
}

/** The identifiers of one customer, by the event column each narrows (user_id, email, phone, anonymous_id; `external`: external_ids). */
export interface CustomerIdentifierLists {
  user: string[];
  email: string[];
  phone: string[];
  anon: string[];
  /** The values of the customer's identifiers of every other type, which events carry in `context.externalIds`. */
  external: string[];
}

/** A customer's identifiers (customer_map rows) split into the lists that narrow a scan of its events. */
export function identifierListsOf(members: readonly { type: string; value: string }[]): CustomerIdentifierLists {
  const ids: CustomerIdentifierLists = { user: [], email: [], phone: [], anon: [], external: [] };
  for (const m of members) {
    if (m.type === 'user' || m.type === 'email' || m.type === 'phone' || m.type === 'anon') ids[m.type].push(m.value);
    else ids.external.push(m.value);
  }
  return ids;
}

/**
 * Whether the event `c` may be one of the customer's: it carries one of their identifiers. A superset (an external
 * id is matched by value, whatever its type): the resolved-customer test that follows decides. An event known to
 * the customer only by an external id (a server-side order sent with a shop's customer id) is among them, and so is
 * one known by an external id of a column's type (`email`, `phone`; Segment's `user_id`, `anonymous_id`), which
 * the graph takes for that type's identifier: every value of the customer is looked for among the external ids.
 */
export function carriesIdentifierOf(ids: CustomerIdentifierLists): Sql {
  const every = [...ids.user, ...ids.email, ...ids.phone, ...ids.anon, ...ids.external];
  // Over the identifier columns alone, for seqs: put on the whole event, this made DuckDB read every message of the
  // log to keep a customer's few (at 1M customers, 8.4 s of scan for 5 events). An IN list of parameters per column:
  // 96–100 ms over 3.2M events, against 126–134 for list_contains of a list parameter and 185 for an OR of semi-joins.
  const anyOf = (column: string, values: readonly string[]): Sql =>
    values.length === 0 ? raw('FALSE') : sql`${raw(column)} IN (${join(values.map((v) => sql`${v}`), ', ')})`;
  return sql`(${anyOf('c.user_id', ids.user)} OR ${anyOf('c.email', ids.email)}
        OR ${anyOf('c.phone', ids.phone)} OR ${anyOf('c.anonymous_id', ids.anon)}
        OR (c.external_ids IS NOT NULL AND ${every.length > 0}
          AND list_has_any(json_extract_string(c.external_ids, ${raw(`'$[*].id'`)}), ${every})))`;
}
