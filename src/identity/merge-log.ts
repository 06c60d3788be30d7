import { ensureCapacity } from './typed-buffers.js';

/** Rule codes as stored in the log; `limit:<type>` codes follow RULE_LIMIT in the order of the compiled limits. */
export const RULE_MERGE = 0;
export const RULE_BLOCKED = 1;
export const RULE_INVALID = 2;
export const RULE_FORBIDDEN_IDENTIFIER = 3;
export const RULE_FORBIDDEN_LINK = 4;
export const RULE_LIMIT = 5;

const FIXED_RULE_NAMES = ['same-message', 'blocked-value', 'invalid-value', 'forbidden-identifier', 'forbidden-link'];

/** The rule's name as users see it in the merge log: `same-message` for merges, else the reason for a refusal. */
export function ruleName(code: number, limitTypes: readonly string[]): string {
  return code < RULE_LIMIT ? (FIXED_RULE_NAMES[code] ?? 'unknown') : `limit:${limitTypes[code - RULE_LIMIT] ?? 'unknown'}`;
}

/**
 * Every merge made and refused, as one rule code per occurrence of the observation log: resolving an
 * observation makes at most one entry per identifier in it, always pairing that identifier with the
 * observation's partner (its first linkable identifier, else its first), so the entry's observation, pair
 * and order follow from where it sits. Four bytes a pair and an observation number per entry would be
 * fourteen bytes of fresh memory per link, and on this kind of machine writing fresh memory costs more than
 * the resolution itself. A replayed observation's entries are cleared and written again in place, so the log
 * never holds dead entries. The partner depends on flags that change only with a split, which replays every
 * observation holding the identifier, so it is read back as it was when the entry was made.
 */
export class MergeLog {
  /** Rule code + 1 at each occurrence, 0 where the occurrence made no entry. */
  codes = new Uint16Array(0);

  reserve(occurrences: number): void {
    this.codes = ensureCapacity(this.codes, occurrences);
  }

  /** Records the rule applied to the identifier at occurrence `p`. */
  record(p: number, rule: number): void {
    if (p >= this.codes.length) this.reserve(p + 1);
    this.codes[p] = rule + 1;
  }

  /** Clears the entries of occurrences [from, to), an observation's, before it is replayed. */
  retract(from: number, to: number): void {
    this.codes.fill(0, from, Math.min(to, this.codes.length));
  }

  /** Whether occurrence `p` made an entry. */
  has(p: number): boolean {
    return p < this.codes.length && this.codes[p] !== 0;
  }

  /** The rule code of the entry at occurrence `p` (has(p) must hold). */
  ruleAt(p: number): number {
    return this.codes[p]! - 1;
  }
}
