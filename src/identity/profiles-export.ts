import { raw, sql, type Store } from '../store/index.js';
import { eventContactsOwned, eventCustomerId, eventsWithCustomerJoins } from './profile-events.js';
import { isImportMadeAnonId, shownIdentifiers } from './import-anonymous-ids.js';
import { readMapPriority } from './map-priority.js';
import { foldTraits, type Profile } from './profile.js';
import { readComputedTraits, toComputed } from './profile-traits.js';

/** One line of `profiles export` (product.md). */
export interface ExportedProfile {
  customer_id: string;
  identifiers: { type: string; value: string }[];
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
}

/**
 * Every profile, in customer-id order. A few set queries (identifiers, identify traits in time
 * order, per-customer aggregates) instead of queries per customer.
 */
export async function* exportProfiles(store: Store): AsyncIterable<ExportedProfile[]> {
  const priority = await readMapPriority(store);
  const traits = new Map<string, { traits: Record<string, unknown>; sources: Profile['trait_sources'] }>();
  for await (const rows of store.stream<{ customer_id: string; message: unknown; source: string; message_id: string; ts: Date; email_owned: boolean | null; phone_owned: boolean | null }>(
    sql`SELECT ${eventCustomerId(priority)} AS customer_id, e.message, e.source, e.message_id, e.ts, ${eventContactsOwned(priority)}
      FROM ${eventsWithCustomerJoins(priority)} WHERE e.type = ${'identify'} ORDER BY e.ts, e.seq`,
  )) {
    for (const r of rows) {
      if (!r.customer_id) continue;
      let acc = traits.get(r.customer_id);
      if (!acc) traits.set(r.customer_id, (acc = { traits: {}, sources: {} }));
      foldTraits(acc, r);
    }
  }
  const computed = await readComputedTraits(store, { all: true, priority });
  let batch: ExportedProfile[] = [];
  // Anonymous ids imports made up are read with a mark, not left out: a guest's order has nothing else.
  const finish = (p: ExportedProfile & { madeUp: Set<object> }): ExportedProfile => ({
    customer_id: p.customer_id,
    identifiers: shownIdentifiers(p.identifiers, (i) => p.madeUp.has(i)),
    traits: p.traits,
    computed: p.computed,
  });
  let current: (ExportedProfile & { madeUp: Set<object> }) | undefined;
  for await (const rows of store.stream<{ customer_id: string; type: string; value: string; made_up: boolean }>(
    sql`SELECT customer_id, type, value, type = ${'anon'} AND ${isImportMadeAnonId(raw('value'))} AS made_up
      FROM customer_map ORDER BY customer_id, ${raw('type')}, value`,
  )) {
    for (const r of rows) {
      if (current?.customer_id !== r.customer_id) {
        if (current) batch.push(finish(current));
        current = { customer_id: r.customer_id, identifiers: [], traits: traits.get(r.customer_id)?.traits ?? {}, computed: computed.get(r.customer_id) ?? toComputed({}), madeUp: new Set() };
      }
      const identifier = { type: r.type, value: r.value };
      if (r.made_up) current.madeUp.add(identifier);
      current.identifiers.push(identifier);
    }
    if (batch.length >= 5000) {
      yield batch;
      batch = [];
    }
  }
  if (current) batch.push(finish(current));
  if (batch.length) yield batch;
}
