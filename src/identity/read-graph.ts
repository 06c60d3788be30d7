import type { Identifier } from './identifier.js';
import { OUTSIDE_GRAPH } from './identifier-table.js';
import { customerIdOf, customerIdOfRoot, resolveIdentifier, type IdentityState } from './identity-state.js';
import { RULE_BLOCKED, RULE_MERGE, ruleName } from './merge-log.js';
import { blockedValueOf, type BlockedValue } from './blocked-reason.js';

/** One identifier and the customer it resolves to. */
export interface Assignment {
  readonly type: string;
  readonly value: string;
  readonly customerId: string;
  /** Earliest time (epoch ms) the identifier appeared in any observation. */
  readonly firstSeen: number;
}

/** One customer and all its identifiers, earliest first. */
export interface CustomerIdentifiers {
  readonly customerId: string;
  readonly identifiers: Identifier[];
}

/** One merge made or refused: which identifiers, which message, and the rule that decided. */
export interface MergeLogEntry {
  readonly kind: 'merge' | 'refusal';
  /** `same-message` for a merge; for a refusal `limit:<type>`, `blocked-value`, `invalid-value`, `forbidden-identifier` or `forbidden-link`. */
  readonly rule: string;
  readonly messageId: string;
  readonly timestamp: number;
  /** The message's anchor (its highest-priority identifier) and the identifier merged into or refused from its customer. */
  readonly identifiers: readonly [string, string];
  /** For a `blocked-value` refusal: which value is blocked (the second identifier's) and by which entry of the rules. */
  readonly blocked?: BlockedValue;
}

/** The customer an identifier (a `type:value` key or an identifier) resolves to; undefined if unknown, blocked or invalid. */
export function customerOf(state: IdentityState, identifier: string | Identifier): string | undefined {
  const x = resolveIdentifier(state, identifier);
  return x < 0 ? undefined : customerIdOf(state, x);
}

/**
 * The identifier the graph holds under exactly `type` and `value` (no normalizing: as customer_map's exact match
 * would find it) and its customer; undefined when there is none, or it is blocked or invalid (the map leaves those out).
 */
export function exactMemberOf(state: IdentityState, type: string, value: string): { x: number; customerId: string } | undefined {
  const table = state.table;
  const x = table.lookup(type, value);
  if (x < 0 || table.typeName(x) !== type || table.value(x) !== value) return undefined;
  const customerId = customerIdOf(state, x);
  return customerId === undefined ? undefined : { x, customerId };
}

/**
 * The customer a retired customer id became, or undefined. An id is a hash of its component's representative
 * (the highest-priority type, then the earliest seen), so a merge or a split can retire it; the identifier it
 * was hashed from still belongs to someone, and that is where the customer went. Hashes every identifier: a
 * miss's path.
 */
export function successorOf(state: IdentityState, customerId: string): string | undefined {
  const table = state.table;
  for (let x = 0; x < table.count; x++) {
    if ((table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) continue;
    if (table.customerIdOf(x) === customerId) return customerIdOf(state, x);
  }
  return undefined;
}

/** Every identifier in the graph with its customer, in no particular order (blocked and invalid values left out). */
export function* listAssignments(state: IdentityState): Generator<Assignment> {
  const table = state.table;
  // Each root's customer id is hashed once. Root numbers are scattered over millions, so the cache is a
  // typed array of slots into a dense list: a JS array written at scattered indices turns into a dictionary.
  const slotOf = new Int32Array(table.count).fill(-1);
  const ids: string[] = [];
  for (let x = 0; x < table.count; x++) {
    if ((table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) continue;
    const r = table.find(x);
    let slot = slotOf[r]!;
    if (slot < 0) {
      slot = ids.length;
      ids.push(customerIdOfRoot(state, r));
      slotOf[r] = slot;
    }
    yield { type: table.typeName(x), value: table.value(x), customerId: ids[slot]!, firstSeen: table.firstTimeOf(x) };
  }
}

/** A row of customer_map: type, value, customer id. */
export type AssignmentRow = [type: string, value: string, customerId: string];

/** Each of `identifiers` with the customer it belongs to now (each customer's id hashed once). */
export function assignmentRows(state: IdentityState, identifiers: Iterable<number>): AssignmentRow[] {
  const table = state.table;
  const ids = new Map<number, string>();
  const rows: AssignmentRow[] = [];
  for (const x of identifiers) {
    const r = table.find(x);
    let id = ids.get(r);
    if (id === undefined) {
      id = customerIdOfRoot(state, r);
      ids.set(r, id);
    }
    rows.push([table.typeName(x), table.value(x), id]);
  }
  return rows;
}

/** Identifier numbers of root `r`'s component, earliest first. */
export function sortedMembers(state: IdentityState, r: number): number[] {
  const table = state.table;
  return table.members(r).sort((x, y) => table.compareSeen(x, y));
}

/** Every customer with its identifiers, in no particular order. */
export function* listCustomers(state: IdentityState): Generator<CustomerIdentifiers> {
  const table = state.table;
  for (let r = 0; r < table.count; r++) {
    if (!table.isRoot(r) || (table.flagsOf(r) & OUTSIDE_GRAPH) !== 0) continue;
    const identifiers = sortedMembers(state, r).map((x) => ({ type: table.typeName(x), value: table.value(x) }));
    yield { customerId: customerIdOfRoot(state, r), identifiers };
  }
}

/** The log entry at index `i`, readable. */
export function logEntryAt(state: IdentityState, i: number): MergeLogEntry {
  const { log, table, observations } = state;
  const o = log.obs[i]!;
  const rule = log.rule[i]!;
  // Derived, not stored: the log stays four integers an entry, and the rules that set the flag are the ones in force.
  const blocked = rule === RULE_BLOCKED ? blockedValueOf(table, log.b[i]!) : undefined;
  return {
    kind: rule === RULE_MERGE ? 'merge' : 'refusal',
    rule: ruleName(rule, table.limitTypes),
    messageId: state.messages.get(observations.message[o]!),
    timestamp: observations.time[o]!,
    identifiers: [table.key(log.a[i]!), table.key(log.b[i]!)],
    ...(blocked === undefined ? {} : { blocked }),
  };
}

/** Sorts log entry indices into canonical order (by observation, then order within it), as a rebuild writes them. */
export function sortLogIndices(state: IdentityState, indices: number[]): number[] {
  const { log, observations, table } = state;
  return indices.sort((i, j) => observations.compare(log.obs[i]!, log.obs[j]!, table) || i - j);
}

/** The whole merge log in canonical order; identical for a rebuild and for any sequence of incremental updates. */
export function readMergeLog(state: IdentityState, filter?: { kind?: 'merge' | 'refusal' }): MergeLogEntry[] {
  const log = state.log;
  const indices: number[] = [];
  for (let i = 0; i < log.count; i++) {
    if (log.obs[i]! < 0) continue;
    if (filter?.kind !== undefined && (log.rule[i] === RULE_MERGE) !== (filter.kind === 'merge')) continue;
    indices.push(i);
  }
  return sortLogIndices(state, indices).map((i) => logEntryAt(state, i));
}
