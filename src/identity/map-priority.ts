import { sql, type StoreTx } from '../store/index.js';
import { MergeRules } from './merge-rules.js';

/**
 * The record of the inputs a map is resolved from (identity_map_state.fingerprint): the resolver's version, the
 * rules as configured, the splits in force and the observation options. Written and read here only.
 */
export function mapFingerprint(version: number, rules: unknown, forbidden: unknown, options: unknown): string {
  return JSON.stringify([version, rules, forbidden, options]);
}

/** The rules as configured that a fingerprint records; undefined when it is not one of mapFingerprint's. */
function fingerprintRules(fingerprint: string): unknown {
  try {
    const parts = JSON.parse(fingerprint) as unknown;
    return Array.isArray(parts) ? parts[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The type priority the stored customer_map was resolved under (`identity.priority`, highest first), from
 * `identity_map_state`, written with every map write: what reads the map ranks an event's identifiers the
 * same way (profile-events.ts), whether or not this process was given the config. The default priority
 * before any map was written, when there is nothing to rank.
 */
export async function readMapPriority(db: Pick<StoreTx, 'query'>): Promise<readonly string[]> {
  const [stored] = await db.query<{ fingerprint: string }>(sql`SELECT fingerprint FROM identity_map_state`);
  const parsed = MergeRules.safeParse((stored === undefined ? undefined : fingerprintRules(stored.fingerprint)) ?? {});
  return (parsed.success ? parsed.data : MergeRules.parse({})).priority;
}
