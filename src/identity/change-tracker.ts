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
   * The identifiers whose row in a stored identifier → customer map is new or names another customer now
   * (those the batch created, and those whose customer is no longer the one they had before it), and whether
   * any of them existed before, so that its stored row must be deleted before it is written again. A refresh
   * rewrites just these rows; a customer that only gained a new identifier keeps its other rows. Computed on
   * call; call it before the graph changes again.
   */
  readonly changedIdentifiers: () => { identifiers: number[]; moved: boolean };
}

/**
 * Collects which customers a change renamed or touched, and which identifiers changed customer. A customer
 * id is a function of its component's representative identifier, so representatives are compared as numbers
 * and only the ids reported are hashed. Every component is noted before anything in the batch changes it
 * (see noteBefore), each member stamped with the representative it had (IdentityState.trackedRepr);
 * afterwards a member's row changed when its component's representative is another one.
 */
export class ChangeTracker implements ChangeObserver {
  private readonly stamp: number;
  private readonly beforeReprs: number[] = [];
  private readonly identifiers: number[] = [];

  constructor(private readonly state: IdentityState) {
    this.stamp = state.nextEpoch();
  }

  /** Call before anything changes `x`'s component; later calls for a component already noted are ignored. */
  noteBefore(x: number): void {
    const state = this.state;
    const table = state.table;
    if (x < 0 || (table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) return;
    const r = table.find(x);
    state.coverTracked();
    const mark = state.trackedMark;
    // Its component is noted already, or it is an identifier this batch created (alone until processed).
    if (mark[r] === this.stamp) return;
    const repr = table.reprOf(r);
    this.beforeReprs.push(repr);
    const reprs = state.trackedRepr;
    let m = r;
    do {
      mark[m] = this.stamp;
      reprs[m] = repr;
      m = table.nextMember(m);
    } while (m !== r);
  }

  noteAfter(x: number): void {
    this.identifiers.push(x);
  }

  /** Call for an identifier the batch created: it has no stored row yet, whatever its component says. */
  noteCreated(x: number): void {
    const state = this.state;
    state.coverTracked();
    state.trackedMark[x] = this.stamp;
    state.trackedRepr[x] = -1;
  }

  finish(stored: number, replayed: number): ApplyResult {
    const state = this.state;
    const table = state.table;
    const roots = new Set<number>();
    for (const x of this.identifiers) if ((table.flagsOf(x) & OUTSIDE_GRAPH) === 0) roots.add(table.find(x));
    const after = new Set<number>();
    for (const r of roots) after.add(table.reprOf(r));
    // Hashed from the stored bytes: decoding each representative's key to hash it was most of this report's cost.
    const customerId = (repr: number): string => table.customerIdOf(repr);
    const removed = this.beforeReprs.filter((r) => !after.has(r)).map(customerId);
    const stamp = this.stamp;
    const changedIdentifiers = (): { identifiers: number[]; moved: boolean } => {
      state.coverTracked();
      const mark = state.trackedMark;
      const reprs = state.trackedRepr;
      const identifiers: number[] = [];
      let moved = false;
      for (const r of roots) {
        const repr = table.reprOf(r);
        let m = r;
        do {
          // Every member was noted before or created; one that was not is rewritten all the same.
          const before = mark[m] === stamp ? reprs[m]! : -2;
          if (before !== repr) {
            identifiers.push(m);
            if (before !== -1) moved = true;
          }
          m = table.nextMember(m);
        } while (m !== r);
      }
      return { identifiers, moved };
    };
    return { stored, replayed, touchedCustomers: [...after].map(customerId), removedCustomers: removed, changedIdentifiers };
  }
}
