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
  const forbidden = state.rules.forbidden;
  let identifiers = forbidden.identifiers;
  let links = forbidden.links;
  if (y < 0) {
    identifiers = add ? [...identifiers, xKey] : identifiers.filter((k) => k !== xKey);
  } else {
    const yKey = table.key(y);
    links = add
      ? [...links, [xKey, yKey]]
      : links.filter(([a, b]) => !((a === xKey && b === yKey) || (a === yKey && b === xKey)));
  }
  const tracker = new ChangeTracker(state);
  tracker.noteBefore(x);
  tracker.noteBefore(y);
  state.setForbidden({ identifiers, links });
  const replayed = replayComponents(state, y < 0 ? [x] : [x, y], tracker);
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

/** Removes a split recorded by splitIdentifier (same arguments), letting the observations merge the customers again. */
export function removeSplit(state: IdentityState, identifier: string | Identifier, options: SplitOptions = {}): ApplyResult {
  return changeForbidden(state, identifier, options, false);
}
