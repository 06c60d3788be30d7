import type { TableDef } from './dialect.js';

/**
 * The event log: the whole message as JSON plus typed columns for what queries filter on.
 * Append-only; `message_id` is the dedup key and `seq` the arrival order.
 */
export const eventsTable: TableDef = {
  name: 'events',
  columns: [
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
  ],
  primaryKey: ['message_id'],
  orderBy: ['ts', 'message_id'],
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

/**
 * The resolved identity of every identifier: written by identity resolution, read by everything
 * that counts customers. An event's customer is the customer of its highest-priority identifier.
 */
export const customerMapTable: TableDef = {
  name: 'customer_map',
  columns: [
    { name: 'type', type: 'text', nullable: false },
    { name: 'value', type: 'text', nullable: false },
    { name: 'customer_id', type: 'text', nullable: false },
  ],
  primaryKey: ['type', 'value'],
};
