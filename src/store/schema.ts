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
