import { sql, type StoreTx } from '../store/index.js';
import { MergeRules } from './merge-rules.js';

/**
 * The type priority the stored customer_map was resolved under (`identity.priority`, highest first), from
 * `identity_map_state`, written with every map write: what reads the map ranks an event's identifiers the
 * same way (profile-events.ts), whether or not this process was given the config. The default priority
 * before any map was written, when there is nothing to rank.
 */
export async function readMapPriority(db: Pick<StoreTx, 'query'>): Promise<readonly string[]> {
  const [stored] = await db.query<{ fingerprint: string }>(sql`SELECT fingerprint FROM identity_map_state`);
  let rules: unknown = {};
  try {
    // The fingerprint is IdentityService.fingerprintOf's JSON array: the rules as configured come second.
    if (stored !== undefined) rules = (JSON.parse(stored.fingerprint) as unknown[])[1] ?? {};
  } catch {
    rules = {};
  }
  const parsed = MergeRules.safeParse(rules);
  return (parsed.success ? parsed.data : MergeRules.parse({})).priority;
}
