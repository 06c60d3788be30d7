import { TesseraError } from '../contract/index.js';
import type { Identifier } from './identifier.js';
import { ChangeTracker, type ApplyResult } from './change-tracker.js';
import { replayComponents } from './identity-graph.js';
import { requireIdentifier, type IdentityState } from './identity-state.js';

/** Which link a split or its removal is about: without `from`, the identifier itself is kept from linking to anything. */
export interface SplitOptions {
  /** The other end of the wrong link: the two identifiers may then never share a customer. */
  readonly from?: string | Identifier;
}

function changeForbidden(state: IdentityState, identifier: string | Identifier, options: SplitOptions, add: boolean): ApplyResult {
  const x = requireIdentifier(state, identifier);
  const y = options.from === undefined ? -1 : requireIdentifier(state, options.from);
  if (x === y) throw new TesseraError('invalid_argument', 'a split needs two different identifiers');
  const table = state.table;
  const xKey = table.key(x);
  const yKey = y < 0 ? undefined : table.key(y);
  const forbidden = state.rules.forbidden;
  const names = (link: readonly [string, string], key: string) => link[0] === key || link[1] === key;
  let identifiers = forbidden.identifiers;
  let links = forbidden.links;
  // The identifiers whose customers are recomputed: the split one and the other end of every link that changes.
  const ends = [x];
  if (add) {
    if (yKey === undefined) identifiers = [...identifiers, xKey];
    else links = [...links, [xKey, yKey]];
    if (y >= 0) ends.push(y);
  } else {
    // Without `from`, every split that names the identifier goes: its isolation and each link kept apart.
    const removed = yKey === undefined ? links.filter((l) => names(l, xKey)) : links.filter((l) => names(l, xKey) && names(l, yKey));
    const isolated = yKey === undefined && identifiers.includes(xKey);
    if (removed.length === 0 && !isolated) {
      throw new TesseraError('invalid_argument', `no split names ${xKey}${yKey === undefined ? '' : ` and ${yKey}`}: there is nothing to undo (tessera identity explain ${xKey} shows its links)`);
    }
    if (isolated) identifiers = identifiers.filter((k) => k !== xKey);
    links = links.filter((l) => !removed.includes(l));
    for (const [a, b] of removed) ends.push(requireIdentifier(state, a === xKey ? b : a));
  }
  const tracker = new ChangeTracker(state);
  for (const end of ends) tracker.noteBefore(end);
  state.setForbidden({ identifiers, links });
  const replayed = replayComponents(state, [...new Set(ends)], tracker);
  return tracker.finish(0, replayed);
}

/**
 * Undoes a wrong merge by recording a rule in the graph's merge rules, then recomputing the customers
 * involved from their observations: with `from`, the two identifiers may never share a customer; without,
 * the identifier links to nothing. Profiles derived from the old customer follow through the result.
 */
export function splitIdentifier(state: IdentityState, identifier: string | Identifier, options: SplitOptions = {}): ApplyResult {
  return changeForbidden(state, identifier, options, true);
}

/**
 * Removes a split recorded by splitIdentifier, letting the observations merge the customers again: with `from`,
 * the link between the two; without, every split that names the identifier. Nothing to remove is an error.
 */
export function removeSplit(state: IdentityState, identifier: string | Identifier, options: SplitOptions = {}): ApplyResult {
  return changeForbidden(state, identifier, options, false);
}
