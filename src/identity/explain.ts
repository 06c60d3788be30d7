import { blockedValueOf, type BlockedValue } from './blocked-reason.js';
import type { Identifier } from './identifier.js';
import { BLOCKED, FORBIDDEN, INVALID, OUTSIDE_GRAPH } from './identifier-table.js';
import { customerIdOfRoot, resolveIdentifier, type IdentityState } from './identity-state.js';
import { RULE_MERGE } from './merge-log.js';
import { logEntryAt, sortedMembers, sortLogIndices, type MergeLogEntry } from './read-graph.js';

/** Why an identifier belongs to the customer it does. */
export interface IdentifierExplanation {
  readonly identifier: string;
  /** `linked`: an ordinary member; `forbidden`: a split keeps it apart; `blocked`/`invalid`: its value links nothing. */
  readonly status: 'linked' | 'forbidden' | 'blocked' | 'invalid';
  /** With status `blocked`: the value and the entry of the rules that block it. */
  readonly blocked?: BlockedValue;
  readonly customerId: string | undefined;
  /** The customer's identifiers, earliest first. */
  readonly identifiers: ReadonlyArray<Identifier & { readonly key: string; readonly firstSeen: number; readonly firstMessageId: string }>;
  /** The merges that built the customer, in the order they were made. */
  readonly merges: MergeLogEntry[];
  /**
   * Merges refused that involved one of the customer's identifiers: each link refused for a reason once,
   * at its first refusal. A shared device refused on every page view is one entry, and a rebuild (which
   * reads each set of identifiers once) explains the same as a server that followed every event.
   */
  readonly refusals: MergeLogEntry[];
  /** The splits recorded against the customer's identifiers. */
  readonly splits: { readonly identifiers: string[]; readonly links: Array<readonly [string, string]> };
}

/** Explains an identifier's customer from the merge log; undefined if the identifier was never seen. */
export function explainIdentifier(state: IdentityState, identifier: string | Identifier): IdentifierExplanation | undefined {
  const x = resolveIdentifier(state, identifier);
  if (x < 0) return undefined;
  const { table, log } = state;
  const flags = table.flagsOf(x);
  const inGraph = (flags & OUTSIDE_GRAPH) === 0;
  const root = inGraph ? table.find(x) : -1;
  const members = inGraph ? sortedMembers(state, root) : [x];
  // The component's members marked, so that the pass below reads a byte an entry: a find per entry took 280 ms at 1M
  // customers, and every profile is explained. A blocked or invalid value is never linked, so it is its own ring.
  const member = new Uint8Array(table.count);
  for (const m of members) member[m] = 1;
  const belongs = (y: number): boolean => member[y] === 1;

  // One pass over the log: a scan avoids keeping an index per customer.
  const merges: number[] = [];
  const refusals: number[] = [];
  for (let i = 0; i < log.count; i++) {
    if (log.obs[i]! < 0) continue;
    const a = log.a[i]!;
    const b = log.b[i]!;
    if (log.rule[i] === RULE_MERGE) {
      if (inGraph && belongs(b)) merges.push(i);
    } else if (belongs(a) || belongs(b)) {
      refusals.push(i);
    }
  }

  const keys = new Set(members.map((m) => table.key(m)));
  const rules = state.rules.forbidden;
  const blocked = blockedValueOf(table, x);
  return {
    identifier: table.key(x),
    status: (flags & BLOCKED) !== 0 ? 'blocked' : (flags & INVALID) !== 0 ? 'invalid' : (flags & FORBIDDEN) !== 0 ? 'forbidden' : 'linked',
    ...(blocked === undefined ? {} : { blocked }),
    customerId: inGraph ? customerIdOfRoot(state, root) : undefined,
    identifiers: members.map((m) => ({
      type: table.typeName(m),
      value: table.value(m),
      key: table.key(m),
      firstSeen: table.firstTimeOf(m),
      firstMessageId: state.messages.get(table.firstMessageOf(m)),
    })),
    merges: sortLogIndices(state, merges).map((i) => logEntryAt(state, i)),
    refusals: firstOfEach(sortLogIndices(state, refusals), (i) => `${log.rule[i]} ${log.a[i]} ${log.b[i]}`).map((i) => logEntryAt(state, i)),
    splits: {
      identifiers: rules.identifiers.filter((k) => keys.has(k)),
      links: rules.links.filter(([a, b]) => keys.has(a) || keys.has(b)),
    },
  };
}

/** The first index of each key, in the order given. */
function firstOfEach(indices: readonly number[], keyOf: (i: number) => string): number[] {
  const seen = new Set<string>();
  return indices.filter((i) => {
    const key = keyOf(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
