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
   * The identifiers whose row in a stored identifier → customer map is new or names another customer now:
   * those the batch created, and those whose customer is no longer the one they had before it. A
   * refresh rewrites just these rows; a customer that only gained a new identifier keeps its other rows.
   */
  readonly changedIdentifiers: number[];
  /** Some changed identifier existed before the batch, so its stored row must be deleted before it is written again. */
  readonly moved: boolean;
}

/**
 * Collects which customers a change renamed or touched, and which identifiers changed customer. A customer
 * id is a function of its component's representative identifier, so representatives are compared as numbers
 * and only the ids reported are hashed. Every component is noted before anything in the batch changes it
 * (see noteBefore), with the representative each member had; afterwards a member's row changed when its
 * component's representative is another one.
 */
export class ChangeTracker implements ChangeObserver {
  private readonly beforeRoots = new Set<number>();
  private readonly beforeReprs = new Set<number>();
  /** Identifier → representative of its customer before the batch, for every member of a noted component. */
  private readonly reprBefore = new Map<number, number>();
  private readonly created = new Set<number>();
  private readonly identifiers: number[] = [];

  constructor(private readonly state: IdentityState) {}

  /** Call before anything changes `x`'s component; later calls for a root already noted are ignored. */
  noteBefore(x: number): void {
    const table = this.state.table;
    if (x < 0 || (table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) return;
    const r = table.find(x);
    if (this.beforeRoots.has(r)) return;
    this.beforeRoots.add(r);
    const repr = table.reprOf(r);
    this.beforeReprs.add(repr);
    for (const m of table.members(r)) this.reprBefore.set(m, repr);
  }

  noteAfter(x: number): void {
    this.identifiers.push(x);
  }

  /** Call for an identifier the batch created: it has no stored row yet, whatever its component says. */
  noteCreated(x: number): void {
    this.created.add(x);
  }

  finish(stored: number, replayed: number): ApplyResult {
    const table = this.state.table;
    const roots = new Set<number>();
    for (const x of this.identifiers) if ((table.flagsOf(x) & OUTSIDE_GRAPH) === 0) roots.add(table.find(x));
    const after = new Set<number>();
    const changedIdentifiers: number[] = [];
    let moved = false;
    for (const r of roots) {
      const repr = table.reprOf(r);
      after.add(repr);
      for (const m of table.members(r)) {
        if (this.created.has(m)) {
          changedIdentifiers.push(m);
        } else if (this.reprBefore.get(m) !== repr) {
          changedIdentifiers.push(m);
          moved = true;
        }
      }
    }
    // Hashed from the stored bytes: decoding each representative's key to hash it was most of this report's cost.
    const customerId = (repr: number): string => table.customerIdOf(repr);
    const removed = [...this.beforeReprs].filter((r) => !after.has(r)).map(customerId);
    return { stored, replayed, touchedCustomers: [...after].map(customerId), removedCustomers: removed, changedIdentifiers, moved };
  }
}
