import type { Dialect } from './dialect.js';
import { alertsTable, apiKeysTable, customerMapTable, customerNameTable, customerMapTableV1, eventsTableV6, identityMapStateTable, eventsTableV1, identitySplitsTable, importsTable, loadedSegmentsTable, metricFactTables, predictionTables, quarantineTable, ratesTable, segmentTables } from './schema.js';
import { externalIdsOf, matchingExternalIds } from './event-columns.js';
import { raw, sql, type Sql } from './sql.js';
import type { Store } from './store.js';

export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): Sql[];
}

/** Versioned, append-only: a released migration is never edited, only followed by a new one. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, quarantine, loaded segments, api keys, rates, imports',
    statements: (d) => [eventsTableV1, quarantineTable, loadedSegmentsTable, apiKeysTable, ratesTable, importsTable, customerMapTableV1, identitySplitsTable].map((t) => d.createTable(t)),
  },
  {
    version: 2,
    name: 'metric facts: resolved events, orders, order items, sessions, per-customer facts, benchmarks',
    statements: (d) => metricFactTables.map((t) => d.createTable(t)),
  },
  {
    version: 3,
    name: 'segments: rule definitions, membership spells, daily snapshots',
    statements: (d) => segmentTables.map((t) => d.createTable(t)),
  },
  {
    version: 4,
    name: 'predictive customer value: model fits, per-customer predictions',
    statements: (d) => predictionTables.map((t) => d.createTable(t)),
  },
  {
    version: 5,
    name: 'KPI alerts: fired and resolved per rule and period',
    statements: (d) => [d.createTable(alertsTable)],
  },
  {
    version: 6,
    name: 'event log without the primary-key index, deduplicated by a hash of message_id',
    statements: (d) => {
      const kept = raw(eventsTableV1.columns.map((c) => d.quoteIdent(c.name)).join(', '));
      return [
        d.createTable({ ...eventsTableV6, name: 'events_v6' }),
        sql`INSERT INTO events_v6 (${kept}, message_key) SELECT ${kept}, ${d.messageKey(raw('message_id'))} FROM events ORDER BY seq`,
        sql`DROP TABLE events`,
        sql`ALTER TABLE events_v6 RENAME TO events`,
      ];
    },
  },
  {
    version: 7,
    name: 'customer_map without its primary key, so a full rebuild can replace it whole',
    statements: (d) => [
      d.createTable({ ...customerMapTable, name: 'customer_map_v7' }),
      sql`INSERT INTO customer_map_v7 SELECT type, value, customer_id FROM customer_map`,
      sql`DROP TABLE customer_map`,
      sql`ALTER TABLE customer_map_v7 RENAME TO customer_map`,
    ],
  },
  {
    version: 8,
    name: 'what the stored customer_map was resolved from, so a start with the same inputs leaves it',
    statements: (d) => [d.createTable(identityMapStateTable)],
  },
  {
    version: 9,
    name: 'external ids of each event in a column of their own, so identity reads no message text',
    statements: (d) => [
      sql`ALTER TABLE events ADD COLUMN external_ids ${raw(d.columnType('text'))}`,
      sql`UPDATE events SET external_ids = ${externalIdsOf(d, raw('message'))} WHERE CAST(message AS VARCHAR) LIKE ${'%"externalIds"%'}`,
    ],
  },
  {
    // Facts are derived data: forgetting where their refresh stood makes the next one rebuild them all
    // under the rules of the code that runs it. A change of how facts are derived ships as such a migration.
    version: 10,
    name: "facts derived again: a session's source ignores self-referrals and a leading www. or m.",
    statements: () => [sql`DELETE FROM fact_state`],
  },
  {
    version: 11,
    name: 'the name each identify call gives, and each customer\'s latest, so a profile search reads no message text',
    statements: (d) => [
      ...['name', 'first_name', 'last_name'].map((c) => sql`ALTER TABLE event_facts ADD COLUMN IF NOT EXISTS ${raw(d.quoteIdent(c))} ${raw(d.columnType('text'))}`),
      d.createTable(customerNameTable),
      // The names of events already folded in come with a full refresh.
      sql`DELETE FROM fact_state`,
    ],
  },
  {
    version: 12,
    name: "facts derived again: an event belongs to the customer of its identifier first in the configured identity.priority, external ids included",
    statements: () => [sql`DELETE FROM fact_state`],
  },
  {
    // The graph matched these ids standardized and customer_map holds them so, while SQL joined them as sent: the
    // graph's own form leaves every resolution (and the saved graph) as it was, and the facts, which had left
    // such events without their customer, are derived again.
    version: 13,
    name: 'external ids of type email or phone in the form identity matches them: an email trimmed and lower-cased, a phone by its digits',
    statements: () => [
      sql`UPDATE events SET external_ids = ${matchingExternalIds(raw('external_ids'))} WHERE external_ids ILIKE ${'%email%'} OR external_ids ILIKE ${'%phone%'}`,
      sql`DELETE FROM fact_state`,
    ],
  },
];

/** Applies every migration newer than the store's version (up to `upTo`), each in its own transaction. */
export async function migrate(store: Store, upTo = Infinity): Promise<number[]> {
  await store.run(
    store.dialect.createTable({
      name: 'schema_migrations',
      columns: [
        { name: 'version', type: 'int', nullable: false },
        { name: 'name', type: 'text', nullable: false },
        { name: 'applied_at', type: 'timestamp', nullable: false },
      ],
      primaryKey: ['version'],
    }),
  );
  const rows = await store.query<{ v: number | null }>(sql`SELECT max(version) AS v FROM schema_migrations`);
  const current = rows[0]?.v ?? 0;
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    await store.transaction(async (tx) => {
      for (const statement of m.statements(store.dialect)) await tx.run(statement);
      await tx.run(sql`INSERT INTO schema_migrations VALUES (${m.version}, ${m.name}, ${new Date()})`);
    });
    applied.push(m.version);
  }
  return applied;
}
