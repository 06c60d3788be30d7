import { BLOCKED, type IdentifierTable } from './identifier-table.js';

/**
 * Why an identifier links nothing because of its value: what `identity explain` shows beside a `blocked-value`
 * refusal, so a user can tell a placeholder a client sent from an entry of their own config.
 */
export interface BlockedValue {
  /** The blocked identifier, `type:value`. */
  readonly identifier: string;
  /** The value that matched: the identifier's value, or the part an import made its anonymous id from (`orders:0` → `0`). */
  readonly value: string;
  /** `empty`, a `built-in` placeholder, or the config's `value` or `pattern`; `unknown` only if no rule in force matches it. */
  readonly by: 'empty' | 'built-in' | 'value' | 'pattern' | 'unknown';
  /** The entry that matched as it is written (a built-in value, a configured value or regular expression); null for `empty` and `unknown`. */
  readonly entry: string | null;
  /** The config setting that holds the entry (`identity.blocked.defaults|values|patterns`); null for `empty` and `unknown`. */
  readonly setting: string | null;
  /** One sentence for people. */
  readonly reason: string;
}

/** Why identifier `x` is blocked, undefined when it is not. */
export function blockedValueOf(table: IdentifierTable, x: number): BlockedValue | undefined {
  if ((table.flagsOf(x) & BLOCKED) === 0) return undefined;
  const identifier = table.key(x);
  const found = table.blockedBy(x);
  if (found === undefined) {
    return { identifier, value: table.value(x), by: 'unknown', entry: null, setting: null, reason: 'blocked under rules no longer in force: tessera identity rebuild resolves it under the current ones' };
  }
  const { value, rule } = found;
  // An import's anonymous id made from a junk value (`orders:0`) is blocked for the part it was made from.
  const made = value === table.value(x) ? '' : `made from ${JSON.stringify(value)}, `;
  if (rule.kind === 'empty') return { identifier, value, by: 'empty', entry: null, setting: null, reason: `${made}an empty value, always blocked` };
  const setting = `identity.blocked.${rule.kind === 'built-in' ? 'defaults' : rule.kind === 'value' ? 'values' : 'patterns'}`;
  const quoted = JSON.stringify(rule.entry);
  const reason =
    rule.kind === 'built-in'
      ? `${made}a placeholder value (${quoted}), blocked by default (${setting})`
      : `${made}blocked by the ${rule.kind} ${quoted} in ${setting}`;
  return { identifier, value, by: rule.kind, entry: rule.entry, setting, reason };
}
