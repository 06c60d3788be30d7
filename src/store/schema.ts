import type { TableDef } from './dialect.js';

const eventColumns: TableDef['columns'] = [
  { name: 'seq', type: 'int', nullable: false },
  { name: 'message_id', type: 'text', nullable: false },
  { name: 'type', type: 'text', nullable: false },
  { name: 'event', type: 'text' },
  { name: 'user_id', type: 'text' },
  { name: 'anonymous_id', type: 'text' },
  { name: 'ts', type: 'timestamp', nullable: false },
  { name: 'received_at', type: 'timestamp', nullable: false },
  { name: 'source', type: 'text', nullable: false },
  // Standardized money of order events: the original amount and currency, and the base amount at the day's rate.
  { name: 'order_id', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'amount', type: 'decimal' },
  { name: 'rate', type: 'float' },
  { name: 'amount_base', type: 'decimal' },
  // Standardized identity traits (email trimmed and lower-cased, phone in E.164).
  { name: 'email', type: 'text' },
  { name: 'phone', type: 'text' },
  // `context.channel`: file imports of orders and CRM rows say `import`, so they make no web sessions.
  { name: 'channel', type: 'text' },
  { name: 'message', type: 'json', nullable: false },
];

/** The event log as migration 1 created it (a primary key on message_id); kept so that migration stays what it was. */
export const eventsTableV1: TableDef = {
  name: 'events',
  columns: eventColumns,
  primaryKey: ['message_id'],
  orderBy: ['ts', 'message_id'],
};

/**
 * The event log as migration 6 left it: the whole message as JSON plus typed columns for what queries filter on.
 * Append-only; `message_id` is the dedup key and `seq` the arrival order.
 *
 * No primary key: DuckDB's index on message_id made every load commit cost more as the log grew
 * (1M rows in loads of 30k: 52 s with the index, 8 s without). Writes dedup themselves, one
 * writer at a time, by an anti-join on `message_key`, a 128-bit hash of message_id that scans
 * far faster than the text.
 */
export const eventsTableV6: TableDef = {
  name: 'events',
  columns: [...eventColumns, { name: 'message_key', type: 'key', nullable: false }],
  orderBy: ['ts', 'message_id'],
};

/**
 * The event log as it is now: migration 9 added `external_ids`, the message's `context.externalIds` as
 * JSON text (NULL without), written when the event is, so identity resolution reads its identifiers
 * without scanning every message (see `externalIdsOf`).
 */
export const eventsTable: TableDef = {
  ...eventsTableV6,
  columns: [...eventsTableV6.columns, { name: 'external_ids', type: 'text' }],
};

/** Rejected input, kept with its reason and where it came from; nothing is silently dropped. */
export const quarantineTable: TableDef = {
  name: 'quarantine',
  columns: [
    { name: 'seq', type: 'int', nullable: false },
    { name: 'received_at', type: 'timestamp', nullable: false },
    { name: 'source', type: 'text', nullable: false },
    { name: 'location', type: 'text' },
    { name: 'code', type: 'text', nullable: false },
    { name: 'reason', type: 'text', nullable: false },
    { name: 'field', type: 'text' },
    { name: 'raw', type: 'text' },
  ],
  orderBy: ['seq'],
};

/** Log segments already moved into the store, so a replay after a crash loads each once. */
export const loadedSegmentsTable: TableDef = {
  name: 'loaded_segments',
  columns: [
    { name: 'name', type: 'text', nullable: false },
    { name: 'loaded_at', type: 'timestamp', nullable: false },
    { name: 'messages', type: 'int', nullable: false },
    { name: 'rejected', type: 'int', nullable: false },
  ],
  primaryKey: ['name'],
};

export const apiKeysTable: TableDef = {
  name: 'api_keys',
  columns: [
    { name: 'id', type: 'text', nullable: false },
    { name: 'name', type: 'text', nullable: false },
    { name: 'kind', type: 'text', nullable: false },
    { name: 'hash', type: 'text', nullable: false },
    { name: 'prefix', type: 'text', nullable: false },
    { name: 'created_at', type: 'timestamp', nullable: false },
    { name: 'revoked_at', type: 'timestamp' },
  ],
  primaryKey: ['id'],
};

/** Currency rates supplied by the user: `rate_to_base` converts one unit of `currency` to the base currency. */
export const ratesTable: TableDef = {
  name: 'rates',
  columns: [
    { name: 'date', type: 'date', nullable: false },
    { name: 'currency', type: 'text', nullable: false },
    { name: 'rate_to_base', type: 'float', nullable: false },
  ],
  primaryKey: ['date', 'currency'],
};

/** One row per file import: what it read and what became of every row. */
export const importsTable: TableDef = {
  name: 'imports',
  columns: [
    { name: 'id', type: 'text', nullable: false },
    { name: 'file', type: 'text', nullable: false },
    { name: 'format', type: 'text', nullable: false },
    { name: 'source', type: 'text', nullable: false },
    { name: 'started_at', type: 'timestamp', nullable: false },
    { name: 'finished_at', type: 'timestamp' },
    { name: 'rows_read', type: 'int' },
    { name: 'events_written', type: 'int' },
    { name: 'duplicates', type: 'int' },
    { name: 'quarantined', type: 'int' },
    { name: 'summary', type: 'json' },
  ],
  primaryKey: ['id'],
};

const customerMapColumns: TableDef['columns'] = [
  { name: 'type', type: 'text', nullable: false },
  { name: 'value', type: 'text', nullable: false },
  { name: 'customer_id', type: 'text', nullable: false },
];

/** customer_map as migration 1 created it (a primary key on type, value); kept so that migration stays what it was. */
export const customerMapTableV1: TableDef = { name: 'customer_map', columns: customerMapColumns, primaryKey: ['type', 'value'] };

/**
 * The resolved identity of every identifier: written by identity resolution, read by everything
 * that counts customers. An event's customer is the customer of its highest-priority identifier.
 *
 * No key: its one writer (IdentityService) writes each identifier once, and a full rebuild writes a new
 * table and swaps it in (replaceTable). Under the primary key of migration 1, deleting every row and
 * appending them again took 150 s at 5.2M identifiers, and a unique index built after the load 13 s;
 * DuckDB did not use either for a lookup by (type, value), which scans in ~80 ms at that size.
 */
export const customerMapTable: TableDef = { name: 'customer_map', columns: customerMapColumns };

// ---------------------------------------------------------------------------------------------
// Metric facts (src/metrics): derived from events + customer_map by `refreshFacts`, never written
// by anything else. Keys are integers (customer_keys) so KPI queries group and join on numbers,
// and money stays DECIMAL; none has a primary key, since the refresh deletes and re-inserts rows
// of affected customers in one transaction and indexes would only slow that down.
// ---------------------------------------------------------------------------------------------

/** Where the fact refresh stands: the last event folded in and what the facts were built with. */
export const factStateTable: TableDef = {
  name: 'fact_state',
  columns: [
    { name: 'name', type: 'text', nullable: false },
    { name: 'last_seq', type: 'int', nullable: false },
    // events folded in: fewer events up to last_seq than this means some were erased, so rebuild
    { name: 'events_folded', type: 'int', nullable: false },
    { name: 'map_fingerprint', type: 'text', nullable: false },
    { name: 'timezone', type: 'text', nullable: false },
    { name: 'first_day', type: 'date' },
    { name: 'last_day', type: 'date' },
    { name: 'refreshed_at', type: 'timestamp', nullable: false },
  ],
  primaryKey: ['name'],
};

/** Integer key of every customer id (resolved, or the raw identifier of an unresolved visitor). */
export const customerKeysTable: TableDef = {
  name: 'customer_keys',
  columns: [
    { name: 'key', type: 'int', nullable: false },
    { name: 'id', type: 'text', nullable: false },
  ],
};

/** Integer code of every track event name, so facts filter on numbers. */
export const eventNamesTable: TableDef = {
  name: 'event_names',
  columns: [
    { name: 'code', type: 'int', nullable: false },
    { name: 'name', type: 'text', nullable: false },
  ],
};

/** The customer_map the facts were last resolved with: its difference to the live map is what to re-key. */
export const factCustomerMapTable: TableDef = {
  name: 'fact_customer_map',
  columns: [
    { name: 'type', type: 'text', nullable: false },
    { name: 'value', type: 'text', nullable: false },
    { name: 'customer_id', type: 'text', nullable: false },
  ],
};

/** Every event, narrowed to what KPIs read, with its resolved customer and its local day. */
export const eventFactsTable: TableDef = {
  name: 'event_facts',
  columns: [
    { name: 'seq', type: 'int', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'type', type: 'text', nullable: false },
    { name: 'event_code', type: 'int' },
    // page/screen/track calls not imported from files: what sessions are made of
    { name: 'web', type: 'bool', nullable: false },
    { name: 'is_page', type: 'bool', nullable: false },
    // campaign source, else referrer host, of a web call (a session's source is its first call's)
    { name: 'source_hint', type: 'text' },
    { name: 'country', type: 'text' },
    { name: 'order_id', type: 'text' },
    { name: 'email_id', type: 'text' },
    { name: 'survey_type', type: 'text' },
    { name: 'score', type: 'float' },
    // migration 11 adds `name`, `first_name` and `last_name` (text): what an identify call gives of the
    // person's name, in its traits (else context.traits)
  ],
  orderBy: ['customer_key', 'ts'],
};

/** One row per order_id: its first Order Completed by time, net of refunds; removal kept for "as of" questions. */
export const ordersTable: TableDef = {
  name: 'orders',
  columns: [
    { name: 'order_id', type: 'text', nullable: false },
    { name: 'seq', type: 'int', nullable: false },
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'currency', type: 'text' },
    { name: 'amount', type: 'decimal' },
    { name: 'rate', type: 'float' },
    { name: 'gross', type: 'decimal', nullable: false },
    // partial refunds in base currency, at the order's rate
    { name: 'refunded', type: 'decimal', nullable: false },
    { name: 'revenue', type: 'decimal', nullable: false },
    // a full refund or a cancellation: the order leaves every count from this time on
    { name: 'removed_at', type: 'timestamp' },
    { name: 'removal', type: 'text' },
    { name: 'channel', type: 'text' },
    { name: 'coupon', type: 'text' },
  ],
  orderBy: ['local_day'],
};

/** Refunds and cancellations of orders in time order, so revenue can be read as of any date. */
export const orderRefundsTable: TableDef = {
  name: 'order_refunds',
  columns: [
    { name: 'order_id', type: 'text', nullable: false },
    { name: 'seq', type: 'int', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'amount_base', type: 'decimal' },
    { name: 'removes', type: 'bool', nullable: false },
  ],
};

/** Line items of orders (`properties.products[]` of the order's first Order Completed). */
export const orderItemsTable: TableDef = {
  name: 'order_items',
  columns: [
    { name: 'order_id', type: 'text', nullable: false },
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'position', type: 'int', nullable: false },
    { name: 'product_id', type: 'text' },
    { name: 'sku', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'price', type: 'decimal' },
    { name: 'quantity', type: 'float' },
    { name: 'revenue', type: 'decimal' },
  ],
};

/** Sessions (events.md): a visitor's web calls with no gap over 30 minutes. `session_id` is its first call's seq. */
export const sessionsTable: TableDef = {
  name: 'sessions',
  columns: [
    { name: 'session_id', type: 'int', nullable: false },
    { name: 'visitor_key', type: 'int', nullable: false },
    { name: 'start_ts', type: 'timestamp', nullable: false },
    { name: 'end_ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'calls', type: 'int', nullable: false },
    { name: 'pages', type: 'int', nullable: false },
    { name: 'duration_ms', type: 'int', nullable: false },
    { name: 'bounced', type: 'bool', nullable: false },
    { name: 'has_order', type: 'bool', nullable: false },
    { name: 'has_cart', type: 'bool', nullable: false },
    { name: 'has_signup', type: 'bool', nullable: false },
    { name: 'source', type: 'text', nullable: false },
  ],
  orderBy: ['local_day'],
};

/** The orders completed in each session, for revenue by traffic source. */
export const sessionOrdersTable: TableDef = {
  name: 'session_orders',
  columns: [
    { name: 'session_id', type: 'int', nullable: false },
    { name: 'visitor_key', type: 'int', nullable: false },
    { name: 'order_id', type: 'text', nullable: false },
  ],
};

/** Per visitor: the first session, for new visitors. */
export const visitorFactsTable: TableDef = {
  name: 'visitor_facts',
  columns: [
    { name: 'visitor_key', type: 'int', nullable: false },
    { name: 'first_session_ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'sessions', type: 'int', nullable: false },
  ],
};

/** Per customer with an order that counts: first and second order, orders and revenue. */
export const customerOrdersTable: TableDef = {
  name: 'customer_orders',
  columns: [
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'first_order_ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'second_order_ts', type: 'timestamp' },
    { name: 'second_order_day', type: 'date' },
    { name: 'orders', type: 'int', nullable: false },
    { name: 'revenue', type: 'decimal', nullable: false },
  ],
};

/** Per customer: the most recent country they were seen in (identify traits, else context.location). */
export const customerCountryTable: TableDef = {
  name: 'customer_country',
  columns: [
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'country', type: 'text', nullable: false },
  ],
};

/** Per customer: their name as their profile shows it (migration 11), what a profile search matches. */
export const customerNameTable: TableDef = {
  name: 'customer_name',
  columns: [
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'name', type: 'text', nullable: false },
  ],
};

/** Per (customer, email_id): when it was first delivered and whether it was opened or clicked. */
export const emailSendsTable: TableDef = {
  name: 'email_sends',
  columns: [
    { name: 'customer_key', type: 'int', nullable: false },
    { name: 'email_id', type: 'text', nullable: false },
    { name: 'delivered_ts', type: 'timestamp', nullable: false },
    { name: 'local_day', type: 'date', nullable: false },
    { name: 'opened', type: 'bool', nullable: false },
    { name: 'clicked', type: 'bool', nullable: false },
  ],
};

/** KPI benchmarks edited through the API; they override the config's. */
export const metricBenchmarksTable: TableDef = {
  name: 'metric_benchmarks',
  columns: [
    { name: 'metric', type: 'text', nullable: false },
    { name: 'target', type: 'float' },
    { name: 'direction', type: 'text' },
    { name: 'baseline_from', type: 'date' },
    { name: 'baseline_to', type: 'date' },
    { name: 'updated_at', type: 'timestamp', nullable: false },
  ],
  primaryKey: ['metric'],
};

/** Every table of the metric facts, in creation order (migration 2). */
export const metricFactTables: readonly TableDef[] = [
  factStateTable,
  customerKeysTable,
  eventNamesTable,
  factCustomerMapTable,
  eventFactsTable,
  ordersTable,
  orderRefundsTable,
  orderItemsTable,
  sessionsTable,
  sessionOrdersTable,
  visitorFactsTable,
  customerOrdersTable,
  customerCountryTable,
  emailSendsTable,
  metricBenchmarksTable,
];

/**
 * What the stored customer_map was resolved from: the last event seq, how many events that was, and a
 * fingerprint of the rules and options. A process that rebuilds the graph from the same inputs finds the
 * map already right and leaves it, instead of rewriting millions of rows at every start. One row.
 */
export const identityMapStateTable: TableDef = {
  name: 'identity_map_state',
  columns: [
    { name: 'last_seq', type: 'int', nullable: false },
    { name: 'events', type: 'int', nullable: false },
    { name: 'fingerprint', type: 'text', nullable: false },
  ],
};

/** Splits a user made (`tessera identity split`): rules the identity graph must keep on every rebuild. */
export const identitySplitsTable: TableDef = {
  name: 'identity_splits',
  columns: [
    { name: 'identifier', type: 'text', nullable: false },
    { name: 'from_identifier', type: 'text' },
    { name: 'created_at', type: 'timestamp', nullable: false },
  ],
};

// ---------------------------------------------------------------------------------------------
// Segments (src/segments): rule segments as data, and how their membership changes over time.
// ---------------------------------------------------------------------------------------------

/** Rule segments as the user declared them (validated JSON); the SQL is compiled from it on every read. */
export const segmentDefinitionsTable: TableDef = {
  name: 'segment_definitions',
  columns: [
    { name: 'id', type: 'text', nullable: false },
    { name: 'name', type: 'text', nullable: false },
    { name: 'description', type: 'text' },
    { name: 'definition', type: 'json', nullable: false },
    { name: 'created_at', type: 'timestamp', nullable: false },
    { name: 'updated_at', type: 'timestamp', nullable: false },
  ],
  primaryKey: ['id'],
};

/** Spells of membership: a customer entered a segment at `entered_at` and left at `left_at` (NULL: still in). */
export const segmentMembershipTable: TableDef = {
  name: 'segment_membership',
  columns: [
    { name: 'segment_id', type: 'text', nullable: false },
    { name: 'customer_id', type: 'text', nullable: false },
    { name: 'entered_at', type: 'timestamp', nullable: false },
    { name: 'left_at', type: 'timestamp' },
  ],
  orderBy: ['segment_id', 'customer_id'],
};

/** Segment size per day, so "size over time" is a query, not a recomputation. */
export const segmentSnapshotsTable: TableDef = {
  name: 'segment_snapshots',
  columns: [
    { name: 'segment_id', type: 'text', nullable: false },
    { name: 'day', type: 'date', nullable: false },
    { name: 'customers', type: 'int', nullable: false },
    { name: 'taken_at', type: 'timestamp', nullable: false },
  ],
  primaryKey: ['segment_id', 'day'],
};

/** Every table of segments, in creation order (migration 3). */
export const segmentTables: readonly TableDef[] = [segmentDefinitionsTable, segmentMembershipTable, segmentSnapshotsTable];

// ---------------------------------------------------------------------------------------------
// Predictive customer value (src/predict): fits of the customer-base models and the per-customer
// predictions made from the latest one, which profiles and segments read as computed traits.
// ---------------------------------------------------------------------------------------------

/** Every `clv fit`: its parameters as columns for queries, and the whole report as printed. */
export const clvFitsTable: TableDef = {
  name: 'clv_fits',
  columns: [
    { name: 'fit_id', type: 'text', nullable: false },
    { name: 'fitted_at', type: 'timestamp', nullable: false },
    { name: 'calibration_end', type: 'date', nullable: false },
    { name: 'time_unit', type: 'text', nullable: false },
    { name: 'customers', type: 'int', nullable: false },
    { name: 'r', type: 'float', nullable: false },
    { name: 'alpha', type: 'float', nullable: false },
    { name: 'a', type: 'float', nullable: false },
    { name: 'b', type: 'float', nullable: false },
    { name: 'bgnbd_log_likelihood', type: 'float', nullable: false },
    { name: 'p', type: 'float', nullable: false },
    { name: 'q', type: 'float', nullable: false },
    { name: 'v', type: 'float', nullable: false },
    { name: 'gamma_gamma_log_likelihood', type: 'float', nullable: false },
    { name: 'report', type: 'json', nullable: false },
  ],
  primaryKey: ['fit_id'],
};

/** One row per customer from the latest `clv predict`, replaced as a whole by the next. */
export const clvPredictionsTable: TableDef = {
  name: 'clv_predictions',
  columns: [
    { name: 'customer_id', type: 'text', nullable: false },
    { name: 'fit_id', type: 'text', nullable: false },
    { name: 'as_of', type: 'date', nullable: false },
    { name: 'horizon_days', type: 'int', nullable: false },
    { name: 'frequency', type: 'int', nullable: false },
    { name: 'recency', type: 'float', nullable: false },
    { name: 'age', type: 'float', nullable: false },
    { name: 'monetary', type: 'float', nullable: false },
    { name: 'expected_purchases', type: 'float', nullable: false },
    { name: 'p_alive', type: 'float', nullable: false },
    { name: 'churn_risk', type: 'float', nullable: false },
    { name: 'expected_spend', type: 'float' },
    { name: 'clv', type: 'float' },
    { name: 'clv_decile', type: 'int' },
    { name: 'high_value', type: 'bool', nullable: false },
    { name: 'high_value_at_risk', type: 'bool', nullable: false },
  ],
  primaryKey: ['customer_id'],
};

/** Every table of predictive customer value, in creation order (migration 4). */
export const predictionTables: readonly TableDef[] = [clvFitsTable, clvPredictionsTable];

/**
 * KPI alerts, one row per rule and period: fired when the rule's condition first held for that
 * period, resolved when a later evaluation finds it no longer holds (or a newer period replaced it).
 */
export const alertsTable: TableDef = {
  name: 'alerts',
  columns: [
    { name: 'id', type: 'text', nullable: false },
    { name: 'rule_id', type: 'text', nullable: false },
    { name: 'metric', type: 'text', nullable: false },
    { name: 'label', type: 'text', nullable: false },
    { name: 'unit', type: 'text', nullable: false },
    { name: 'grain', type: 'text', nullable: false },
    { name: 'period', type: 'text', nullable: false },
    { name: 'period_start', type: 'date', nullable: false },
    { name: 'period_end', type: 'date', nullable: false },
    { name: 'segment_id', type: 'text' },
    { name: 'value', type: 'float' },
    { name: 'previous', type: 'float' },
    { name: 'change', type: 'float' },
    { name: 'condition', type: 'text', nullable: false },
    { name: 'message', type: 'text', nullable: false },
    { name: 'fired_at', type: 'timestamp', nullable: false },
    { name: 'resolved_at', type: 'timestamp' },
  ],
  primaryKey: ['id'],
};
