/** A forbidden link resolved to identifier numbers; -1 for an end not seen yet. */
export interface ForbiddenPair {
  readonly a: string;
  readonly b: string;
  ia: number;
  ib: number;
}

/**
 * The forbidden identifiers and links of the merge rules (splits), keyed by canonical `type:value` so they
 * apply to identifiers that appear only later. Few in number: they are written by hand, one per wrong merge.
 */
export class ForbiddenLinks {
  /** Flags that an identifier named by a rule gets when it first appears. */
  readonly pending = new Map<string, number>();
  pairs: ForbiddenPair[] = [];
  /** Identifiers currently carrying a flag from these rules, so replacing the rules can clear them. */
  flagged: number[] = [];

  /** The flags a newly created identifier gets, and resolves pair ends naming it. */
  flagsForNew(key: string, x: number): number {
    const extra = this.pending.get(key);
    if (extra === undefined) return 0;
    this.flagged.push(x);
    for (const pair of this.pairs) {
      if (pair.ia < 0 && pair.a === key) pair.ia = x;
      if (pair.ib < 0 && pair.b === key) pair.ib = x;
    }
    return extra;
  }
}
