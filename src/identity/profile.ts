import { TesseraError, type Profile, type ProfileIdentifier } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';
import { explainIdentifier, type IdentifierExplanation } from './explain.js';
import type { IdentityService } from './identity-service.js';
import { importMadeAnonIdsQuery, shownIdentifiers } from './import-anonymous-ids.js';
import { readMapPriority } from './map-priority.js';
import { exactMemberOf, successorOf } from './read-graph.js';
import { findCustomerEvents, type CustomerEvents } from './customer-events.js';
import type { IdentityState } from './identity-state.js';
import { identifyCallsQuery, readComputedTraits, toComputed } from './profile-traits.js';
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

/** An identifier of a customer: a customer_map row without its customer. */
export interface CustomerMember {
  type: string;
  value: string;
}

/** A customer's identifiers, as customer_map holds them. */
async function customerMembers(store: Store, customerId: string): Promise<CustomerMember[]> {
  return store.query<CustomerMember>(sql`SELECT type, value FROM customer_map WHERE customer_id = ${customerId} ORDER BY type, value`);
}

/**
 * The `type:value` identifier a person typed, standardized as findCustomerId does, when the graph holds exactly that
 * identifier in a customer (as the map's exact match would find it): its number and its customer.
 */
function graphIdentifierOf(graph: IdentityState, identifier: string, phoneRegion: string | undefined): { x: number; customerId: string } | undefined {
  const key = standardIdentifier(identifier, phoneRegion);
  const colon = key.indexOf(':');
  return colon <= 0 ? undefined : exactMemberOf(graph, key.slice(0, colon), key.slice(colon + 1));
}

/** Code-unit order, as the map's `ORDER BY type, value` gives for any text short of astral characters. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The customer an identifier resolves to (resolveCustomer) with its identifiers ordered by type and value, found in
 * `graph` when the process holds it current: at 1M customers each lookup in customer_map is a scan of 5.2M rows
 * (40–120 ms).
 */
export async function findCustomer(
  store: Store,
  identity: IdentityService,
  identifier: string,
  graph?: IdentityState,
): Promise<ResolvedCustomer & { members: CustomerMember[] }> {
  const found = graph === undefined ? undefined : graphIdentifierOf(graph, identifier, identity.phoneRegion);
  if (graph !== undefined && found !== undefined) {
    const table = graph.table;
    const members = table.members(table.find(found.x)).map((m) => ({ type: table.typeName(m), value: table.value(m) }));
    members.sort((a, b) => byText(a.type, b.type) || byText(a.value, b.value));
    return { customerId: found.customerId, members };
  }
  // A customer id (no `type:`) that the map holds: its rows are its identifiers, and no lookup is needed first.
  if (!identifier.includes(':')) {
    const members = await customerMembers(store, identifier);
    if (members.length > 0) return { customerId: identifier, members };
  }
  const resolved = await resolveCustomer(store, identity, identifier);
  return { ...resolved, members: await customerMembers(store, resolved.customerId) };
}

/** Latest value of every identify trait by event time, with its source. */
async function readTraits(store: Store, customer: CustomerEvents, priority: readonly string[]) {
  const rows = await store.query<IdentifyTraits & { source: string; message_id: string; ts: Date }>(
    sql`SELECT * FROM (${identifyCallsQuery(store, { customer, priority })}) ORDER BY ts, seq`,
  );
  const acc = { traits: {} as Record<string, unknown>, sources: {} as Profile['trait_sources'] };
  for (const r of rows) foldTraits(acc, r);
  return acc;
}

/** An identify's `traits` and `context.traits` (identifyCallsQuery): JSON texts as a row reads them, or values. */
export interface IdentifyTraits {
  traits: unknown;
  context_traits: unknown;
}

/**
 * Folds identify messages (in time order) into the latest value of each trait, with its source. An identify's
 * traits are its `traits` and its `context.traits`, where RudderStack's SDKs put them; `traits` wins a tie.
 */
export function foldTraits(
  into: { traits: Record<string, unknown>; sources: Profile['trait_sources'] },
  row: IdentifyTraits & { source: string; message_id: string; ts: Date; email_owned?: boolean | null; phone_owned?: boolean | null },
): void {
  const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
  for (const holder of [parsed(row.context_traits), parsed(row.traits)] as (Record<string, unknown> | null | undefined)[]) {
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
  const { customerId, redirectedFrom, members } = await findCustomer(store, identity, identifier, state);
  const first = members[0];
  const explanation = first ? explainIdentifier(state, `${first.type}:${first.value}`) : undefined;
  const firstSeen = new Map((explanation?.identifiers ?? []).map((i) => [i.key, i.firstSeen]));
  const priority = await readMapPriority(store);
  const customer = await findCustomerEvents(store, customerId, members, state);
  const [{ traits, sources }, computedTraits] = await Promise.all([readTraits(store, customer, priority), readComputedTraits(store, { customer, priority })]);
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
