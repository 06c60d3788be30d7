import { OUTSIDE_GRAPH } from './identifier-table.js';
import type { ChangeObserver, IdentityState } from './identity-state.js';

/** What a batch of observations (or a split) changed, so stored profiles can follow. */
export interface ApplyResult {
  /** Observations kept for replay: those with two or more identifiers. */
  readonly stored: number;
  /** Observations processed again because late ones landed among them (0 on the append-only fast path). */
  readonly replayed: number;
  /** Current ids of every customer the change touched, in no particular order: their profiles need refreshing. */
  readonly touchedCustomers: string[];
  /** Ids that no longer name a customer (absorbed by a merge, or renamed by an earlier identifier): drop their profiles. */
  readonly removedCustomers: string[];
  /**
   * One identifier of each touched customer (the root of its component when reported), so a stored
   * identifier → customer map can be rewritten for just those customers (`componentRows`). Numbers, not
   * rows: a refresh collects them over many chunks and lists each component once, as it is at the end.
   */
  readonly touchedRoots: number[];
}

/**
 * Collects which customers a change renamed or touched. A customer id is a function of its component's
 * representative identifier, so representatives are compared as numbers and only the ids reported are hashed.
 */
export class ChangeTracker implements ChangeObserver {
  private readonly beforeRoots = new Set<number>();
  private readonly beforeReprs = new Set<number>();
  private readonly identifiers: number[] = [];

  constructor(private readonly state: IdentityState) {}

  /** Call before anything changes `x`'s component; later calls for a root already noted are ignored. */
  noteBefore(x: number): void {
    const table = this.state.table;
    if (x < 0 || (table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) return;
    const r = table.find(x);
    if (this.beforeRoots.has(r)) return;
    this.beforeRoots.add(r);
    this.beforeReprs.add(table.reprOf(r));
  }

  noteAfter(x: number): void {
    this.identifiers.push(x);
  }

  finish(stored: number, replayed: number): ApplyResult {
    const table = this.state.table;
    const roots = new Set<number>();
    for (const x of this.identifiers) if ((table.flagsOf(x) & OUTSIDE_GRAPH) === 0) roots.add(table.find(x));
    const after = new Set<number>();
    for (const r of roots) after.add(table.reprOf(r));
    // Hashed from the stored bytes: decoding each representative's key to hash it was most of this report's cost.
    const customerId = (repr: number): string => table.customerIdOf(repr);
    const removed = [...this.beforeReprs].filter((r) => !after.has(r)).map(customerId);
    return { stored, replayed, touchedCustomers: [...after].map(customerId), removedCustomers: removed, touchedRoots: [...roots] };
  }
}
