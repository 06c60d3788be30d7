/**
 * The ground truth of identity resolution: every identifier a person left anywhere in the source
 * files, standardized, with the real person behind it. It is read back from the records themselves,
 * so it cannot miss an identifier that the files contain.
 */
import { normalizeEmail, normalizePhone } from './contact.js';
import type { CustomerRow, DemoMessage, IdentifierType, OrderRow, TruthRow } from './records.js';

/**
 * Placeholders a buggy client sends for several people at once. They identify nobody, so the truth
 * leaves them out, and a resolver that merges on them fails the evaluation.
 */
export const blockedIdentifiers: Readonly<Partial<Record<IdentifierType, readonly string[]>>> = {
  user: ['undefined'],
  email: ['test@test.com'],
};

export interface TruthSources {
  person_id: string;
  events: readonly DemoMessage[];
  orders: readonly OrderRow[];
  customers: readonly CustomerRow[];
  /** Anonymous ids this person used on someone else's device: recorded under the device's first user. */
  borrowedAnonymousIds: ReadonlySet<string>;
}

function traitString(traits: Record<string, unknown>, key: string): string | undefined {
  const value = traits[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Standardized identifiers, in the order first seen, one row each. */
export function truthRows(sources: TruthSources): TruthRow[] {
  const seen = new Set<string>();
  const rows: TruthRow[] = [];
  const add = (type: IdentifierType, raw: string | undefined): void => {
    if (raw === undefined || raw === '') return;
    const value = type === 'email' ? normalizeEmail(raw) : type === 'phone' ? normalizePhone(raw) : raw;
    if (value === null || blockedIdentifiers[type]?.includes(value)) return;
    if (type === 'anon' && sources.borrowedAnonymousIds.has(value)) return;
    const key = `${type}:${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({ identifier_type: type, identifier_value: value, person_id: sources.person_id });
  };
  for (const message of sources.events) {
    add('anon', message.anonymousId);
    add('user', message.userId);
    if (message.type === 'alias') add('anon', message.previousId);
    if (message.type === 'identify') {
      add('email', traitString(message.traits, 'email'));
      add('phone', traitString(message.traits, 'phone'));
    }
  }
  for (const row of sources.customers) {
    add('shop', row.customer_id);
    add('email', row.email);
    add('phone', row.phone);
  }
  for (const row of sources.orders) {
    add('shop', row.customer_id);
    add('email', row.email);
  }
  return rows;
}
