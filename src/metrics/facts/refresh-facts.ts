import type { WorkspaceConfig } from '../../contract/index.js';
import { readMapPriority } from '../../identity/index.js';
import { ident, raw, sql, type Store, type StoreTx } from '../../store/index.js';
import { inList } from '../sql/in-list.js';
import { assignCustomerKeys, assignEventCodes } from './assign-keys.js';
import { buildCustomerCountry, buildCustomerName, buildCustomerOrders, buildEmailSends } from './build-customer-facts.js';
import { buildOrderItems } from './build-order-items.js';
import { buildOrders } from './build-orders.js';
import { buildSessions, buildVisitorFacts } from './build-sessions.js';
import { eventName, rebuiltFactTables } from './fact-tables.js';
import { readFactState, writeFactState } from './fact-state.js';
import { carriesChangedIdentifier, collectChangedIdentifiers, customerMapFingerprint, snapshotCustomerMap } from './identity-changes.js';
import { insertEventFacts, rekeyEventFacts } from './insert-event-facts.js';
import { createResolvedTable } from './resolve-customer.js';
import type { RefreshScope } from './scope.js';

export interface RefreshOptions {
  /** Rebuild every fact from the whole log (also done when the reporting zone changed). */
  full?: boolean;
}

export interface RefreshResult {
  /** Nothing changed since the last refresh. */
  upToDate: boolean;
  full: boolean;
  newEvents: number;
  rekeyedEvents: number;
  customersRedone: number;
  ordersRedone: number;
  ms: number;
}

const orderEvents = [eventName.orderCompleted, eventName.orderRefunded, eventName.orderCancelled];

async function count(tx: StoreTx, table: string): Promise<number> {
  const rows = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(table)}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Brings the metric facts up to date with the event log and customer_map. Incremental: only events
 * after the last refresh are read, and only the customers (sessions, per-customer facts) and orders
 * they touch, or whose identifiers identity resolution moved, are rebuilt; a full rebuild gives the
 * same facts. Runs in one write transaction, so queries see the facts before or after, never between.
 */
export async function refreshFacts(store: Store, workspace: WorkspaceConfig, options: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const d = store.dialect;
  const result = await store.transaction(async (tx) => {
    const state = await readFactState(tx);
    const log = await tx.query<{ m: number | null; n: number; folded: number }>(
      sql`SELECT max(seq) AS m, count(*) AS n, count(*) FILTER (WHERE seq <= ${state?.lastSeq ?? 0}) AS folded FROM events`,
    );
    const maxSeq = Number(log[0]?.m ?? 0);
    const eventCount = Number(log[0]?.n ?? 0);
    // Events folded in that are gone (erased) cannot be subtracted from the facts: rebuild them.
    const erased = state !== undefined && Number(log[0]?.folded ?? 0) !== state.eventsFolded;
    // Which customer an event belongs to follows the type priority the map was resolved under: a reordered
    // `identity.priority` can move events whose identifiers all kept their customer, so the facts start again.
    const priority = await readMapPriority(tx);
    const ranked = `${priority.join(',')}|`;
    const reranked = state !== undefined && !state.mapFingerprint.startsWith(ranked);
    const full = options.full === true || state === undefined || state.timezone !== workspace.reportingTimezone || erased || reranked;
    const fingerprint = ranked + (await customerMapFingerprint(store, tx));
    const lastSeq = full ? 0 : (state?.lastSeq ?? 0);
    const mapChanged = full || fingerprint !== state?.mapFingerprint;
    if (!full && maxSeq === lastSeq && !mapChanged) {
      return { upToDate: true, full, newEvents: 0, rekeyedEvents: 0, customersRedone: 0, ordersRedone: 0 };
    }
    const scope: RefreshScope = full ? { kind: 'all' } : { kind: 'affected' };
    if (full) for (const table of rebuiltFactTables) await tx.run(sql`DELETE FROM ${ident(table)}`);
    // from_ts: the earliest new event of the customer; NULL when their whole history must be redone (re-keyed).
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE affected_keys (key BIGINT, from_ts TIMESTAMP)`);
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE affected_orders (order_id VARCHAR)`);

    // Identity moved identifiers: events already folded in that carry one are resolved again.
    let rekeyedEvents = 0;
    if (!full && mapChanged && (await collectChangedIdentifiers(tx)) > 0) {
      await tx.run(createResolvedTable('rekey_resolved', carriesChangedIdentifier(lastSeq), priority));
      await assignCustomerKeys(tx, 'rekey_resolved');
      rekeyedEvents = await rekeyEventFacts(tx, 'rekey_resolved');
      await tx.run(sql`DROP TABLE rekey_resolved`);
    }
    if (mapChanged) await snapshotCustomerMap(tx);

    // New events: resolved, keyed and narrowed into event_facts.
    const newRange = sql`e.seq > ${lastSeq} AND e.seq <= ${maxSeq}`;
    await assignEventCodes(tx, lastSeq, maxSeq);
    await tx.run(createResolvedTable('new_resolved', newRange, priority));
    await assignCustomerKeys(tx, 'new_resolved');
    const newEvents = await tx.run(insertEventFacts(d, 'new_resolved', workspace.reportingTimezone));
    await tx.run(sql`DROP TABLE new_resolved`);

    if (!full) {
      await tx.run(sql`INSERT INTO affected_keys SELECT customer_key, min(ts) FROM event_facts WHERE seq > ${lastSeq} AND seq <= ${maxSeq} GROUP BY customer_key`);
      await tx.run(sql`INSERT INTO affected_orders SELECT DISTINCT e.order_id FROM events e
        WHERE ${newRange} AND e.order_id IS NOT NULL AND ${inList(raw('e.event'), orderEvents)}`);
      await tx.run(sql`CREATE OR REPLACE TEMP TABLE affected_keys AS
        SELECT key, CASE WHEN count(*) = count(from_ts) THEN min(from_ts) END AS from_ts FROM affected_keys GROUP BY key`);
    }
    const ordersRedone = full ? 0 : await count(tx, 'affected_orders');
    const customersRedone = full ? 0 : await count(tx, 'affected_keys');

    if (full || ordersRedone > 0) {
      await buildOrders(tx, d, scope, workspace);
      await buildOrderItems(tx, d);
    }
    if (full || customersRedone > 0) {
      await buildSessions(tx, d, scope);
      await buildVisitorFacts(tx, scope);
      await buildCustomerCountry(tx, scope);
      await buildCustomerName(tx, scope);
      await buildEmailSends(tx, d, scope);
    }
    if (full || ordersRedone > 0 || rekeyedEvents > 0) await buildCustomerOrders(tx);

    await tx.run(sql`DROP TABLE affected_keys`);
    await tx.run(sql`DROP TABLE affected_orders`);
    await writeFactState(tx, { lastSeq: Math.max(maxSeq, lastSeq), eventsFolded: eventCount, mapFingerprint: fingerprint, timezone: workspace.reportingTimezone });
    return { upToDate: false, full, newEvents, rekeyedEvents, customersRedone, ordersRedone };
  });
  return { ...result, ms: Math.round(performance.now() - started) };
}
