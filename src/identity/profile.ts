import { TesseraError, type Profile, type ProfileIdentifier } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';
import { explainIdentifier, type IdentifierExplanation } from './explain.js';
import type { IdentityService } from './identity-service.js';
import { importMadeAnonIdsQuery, shownIdentifiers } from './import-anonymous-ids.js';
import { readMapPriority } from './map-priority.js';
import { successorOf } from './read-graph.js';
import { identifierListsOf } from './profile-events.js';
import { identifyCallsQuery, readComputedTraits, toComputed, type CustomerIdentifierLists } from './profile-traits.js';
import { normalizePhone } from '../ingest/index.js';
import { normalizePhoneDigits } from './identifier.js';

// The shapes are part of the API (the dashboard reads them): they live in contract/.
export type { Profile, ProfileIdentifier };

/**
 * An identifier as a person types it, in the form ingestion stores it: an email trimmed and lower-cased, a
 * phone in E.164 read in the workspace's region (`phone:(212) 555-0100` is `phone:+12125550100` in the US),
 * or its digits when it does not parse. Anything without a `type:` is returned as it is (a customer id).
 */
export function standardIdentifier(identifier: string, phoneRegion?: string): string {
  const colon = identifier.indexOf(':');
  if (colon <= 0) return identifier;
  const type = identifier.slice(0, colon);
  let value = identifier.slice(colon + 1);
  // An address holds no space, so one inside is a `+` that a query string decoded (`?identifier=email:ann+shop@…`).
  if (type === 'email') value = value.trim().toLowerCase().replaceAll(' ', '+');
  if (type === 'phone') value = (phoneRegion === undefined ? undefined : normalizePhone(value, phoneRegion)) ?? normalizePhoneDigits(value) ?? value;
  return `${type}:${value}`;
}

/** `email:…`, `user:…`, `anon:…`, `phone:…`, any `type:value`, or a customer id. */
export async function findCustomerId(store: Store, identifier: string, phoneRegion?: string): Promise<string | undefined> {
  const key = standardIdentifier(identifier, phoneRegion);
  const colon = key.indexOf(':');
  if (colon > 0) {
    const rows = await store.query<{ customer_id: string }>(sql`SELECT customer_id FROM customer_map WHERE type = ${key.slice(0, colon)} AND value = ${key.slice(colon + 1)} LIMIT 1`);
    if (rows[0]) return rows[0].customer_id;
  }
  const rows = await store.query<{ customer_id: string }>(sql`SELECT customer_id FROM customer_map WHERE customer_id = ${identifier} LIMIT 1`);
  return rows[0]?.customer_id;
}

/** The customer of an identifier, or not_found saying what is wrong: no such customer, no `type:`, or a type nobody has. */
export async function requireCustomerId(store: Store, identifier: string, phoneRegion?: string): Promise<string> {
  const customerId = await findCustomerId(store, identifier, phoneRegion);
  if (customerId !== undefined) return customerId;
  const colon = identifier.indexOf(':');
  if (colon <= 0) throw new TesseraError('not_found', `no customer ${identifier}: give a customer id, or an identifier written type:value (email:…, phone:…, user:…, anon:…)`);
  const type = identifier.slice(0, colon);
  const types = (await store.query<{ type: string }>(sql`SELECT DISTINCT type FROM customer_map ORDER BY type`)).map((r) => r.type);
  if (types.length > 0 && !types.includes(type)) throw new TesseraError('not_found', `no identifier of type ${type} is known: the types are ${types.join(', ')}`);
  throw new TesseraError('not_found', `no customer has the identifier ${standardIdentifier(identifier, phoneRegion)}`);
}

/** The shape of the ids customerIdFor makes. */
const customerIdShape = /^c_[0-9a-z]{13}$/;

/** The customer an identifier resolves to now; `redirectedFrom` names a retired customer id that led there. */
export interface ResolvedCustomer {
  customerId: string;
  redirectedFrom?: string;
}

/**
 * requireCustomerId, and a customer id that a merge, a split or an earlier event retired leads to the customer
 * it became, so an id kept by an API client or an exported audience keeps working.
 */
export async function resolveCustomer(store: Store, identity: IdentityService, identifier: string): Promise<ResolvedCustomer> {
  const found = await findCustomerId(store, identifier, identity.phoneRegion);
  if (found !== undefined) return { customerId: found };
  if (customerIdShape.test(identifier)) {
    const successor = successorOf(await identity.graph(), identifier);
    if (successor !== undefined) return { customerId: successor, redirectedFrom: identifier };
  }
  return { customerId: await requireCustomerId(store, identifier, identity.phoneRegion) };
}

/** A customer's identifiers, by the event column each is found in, to narrow scans of its events. */
export async function customerIdentifierLists(store: Store, customerId: string): Promise<CustomerIdentifierLists> {
  return identifierListsOf(await store.query<{ type: string; value: string }>(sql`SELECT type, value FROM customer_map WHERE customer_id = ${customerId}`));
}

/** Latest value of every identify trait by event time, with its source. */
async function readTraits(store: Store, customerId: string, ids: CustomerIdentifierLists, priority: readonly string[]) {
  const rows = await store.query<{ message: string; source: string; message_id: string; ts: Date }>(
    sql`SELECT * FROM (${identifyCallsQuery({ customerId, ids, priority })}) ORDER BY ts, seq`,
  );
  const acc = { traits: {} as Record<string, unknown>, sources: {} as Profile['trait_sources'] };
  for (const r of rows) foldTraits(acc, r);
  return acc;
}

/**
 * Folds identify messages (in time order) into the latest value of each trait, with its source. An identify's
 * traits are its `traits` and its `context.traits`, where RudderStack's SDKs put them; `traits` wins a tie.
 */
export function foldTraits(
  into: { traits: Record<string, unknown>; sources: Profile['trait_sources'] },
  row: { message: unknown; source: string; message_id: string; ts: Date; email_owned?: boolean | null; phone_owned?: boolean | null },
): void {
  const message = (typeof row.message === 'string' ? JSON.parse(row.message) : row.message) as { traits?: Record<string, unknown>; context?: { traits?: Record<string, unknown> } };
  for (const holder of [message.context?.traits, message.traits]) {
    if (!holder || typeof holder !== 'object') continue;
    for (const [key, value] of Object.entries(holder)) {
      if (value === null || value === undefined || value === '') continue;
      if ((key === 'email' && row.email_owned === false) || (key === 'phone' && row.phone_owned === false)) continue;
      into.traits[key] = value;
      into.sources[key] = { source: row.source, message_id: row.message_id, at: row.ts.toISOString() };
    }
  }
}

/** Builds the single customer view of the customer an identifier resolves to. */
export async function readProfile(store: Store, identity: IdentityService, identifier: string): Promise<Profile> {
  const state = await identity.graph();
  const { customerId, redirectedFrom } = await resolveCustomer(store, identity, identifier);
  const members = await store.query<{ type: string; value: string }>(
    sql`SELECT type, value FROM customer_map WHERE customer_id = ${customerId} ORDER BY type, value`,
  );
  const first = members[0];
  const explanation = first ? explainIdentifier(state, `${first.type}:${first.value}`) : undefined;
  const firstSeen = new Map((explanation?.identifiers ?? []).map((i) => [i.key, i.firstSeen]));
  const ids = identifierListsOf(members);
  const priority = await readMapPriority(store);
  const [{ traits, sources }, computedTraits] = await Promise.all([readTraits(store, customerId, ids, priority), readComputedTraits(store, { customerId, ids, priority })]);
  const computed = computedTraits.get(customerId) ?? toComputed();
  const anon = members.filter((m) => m.type === 'anon').map((m) => m.value);
  const madeUp = new Set(anon.length === 0 ? [] : (await store.query<{ value: string }>(importMadeAnonIdsQuery(anon))).map((r) => r.value));
  return {
    customer_id: customerId,
    identifiers: shownIdentifiers(members, (m) => m.type === 'anon' && madeUp.has(m.value))
      .map((m) => {
        const t = firstSeen.get(`${m.type}:${m.value}`);
        return { type: m.type, value: m.value, first_seen: t === undefined ? null : new Date(t).toISOString() };
      })
      .sort((a, b) => (a.first_seen ?? '').localeCompare(b.first_seen ?? '')),
    traits,
    trait_sources: sources,
    computed,
    merges: explanation?.merges.length ?? 0,
    refused_merges: explanation?.refusals.length ?? 0,
    timeline: `/api/v1/profiles/${encodeURIComponent(customerId)}/timeline`,
    ...(redirectedFrom === undefined ? {} : { redirected_from: redirectedFrom }),
  };
}

/**
 * Why a customer is what it is, for an identifier or a customer id (which stands for the customer's
 * identifiers: any one of them explains the same component).
 */
export async function explainProfile(store: Store, identity: IdentityService, identifier: string): Promise<IdentifierExplanation> {
  const state = await identity.graph();
  let key = standardIdentifier(identifier, identity.phoneRegion);
  if (!identifier.includes(':')) {
    const { customerId } = await resolveCustomer(store, identity, identifier);
    const rows = await store.query<{ type: string; value: string }>(sql`SELECT type, value FROM customer_map WHERE customer_id = ${customerId} ORDER BY type, value LIMIT 1`);
    const first = rows[0];
    if (!first) throw new TesseraError('not_found', `no customer ${identifier}: pass a customer id or an identifier written type:value`);
    key = `${first.type}:${first.value}`;
  }
  const explanation = explainIdentifier(state, key);
  if (!explanation) throw new TesseraError('not_found', `the identifier ${identifier} was never seen`);
  return explanation;
}
