import { TesseraError, type ProfileMatch, type ProfileSearch } from '../contract/index.js';
import { raw, sql, type Store } from '../store/index.js';
import { eventCustomerId, eventCustomerJoins } from './profile-events.js';
import { foldTraits, type Profile } from './profile.js';

function nameOf(traits: Record<string, unknown>): string | null {
  if (typeof traits['name'] === 'string' && traits['name'].trim()) return traits['name'].trim();
  const parts = [traits['first_name'], traits['last_name']].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

export type { ProfileMatch, ProfileSearch };

/**
 * Customers whose name (identify traits), email or phone contains the query, ignoring case; a query
 * of digits also matches phones whatever their formatting. Substring tests, not LIKE, so `%` and `_`
 * in a query match themselves.
 */
export async function searchProfiles(store: Store, query: string, limit = 20): Promise<ProfileSearch> {
  const q = query.trim().toLowerCase();
  if (q.length < 2) throw new TesseraError('invalid_argument', 'a search needs at least 2 characters (q=…)');
  const digits = q.replace(/[\s().+-]/g, '');
  const phoneNeedle = /^\d{4,}$/.test(digits) ? digits : null;
  const m = raw('e.message');
  const d = store.dialect;
  // In `traits` or, as RudderStack's SDKs send an identify, in `context.traits`.
  const nameIn = (at: string[]) =>
    sql`coalesce(${d.jsonText(m, [...at, 'name'])}, nullif(concat_ws(' ', ${d.jsonText(m, [...at, 'first_name'])}, ${d.jsonText(m, [...at, 'last_name'])}), ''))`;
  const name = sql`lower(trim(coalesce(${nameIn(['traits'])}, ${nameIn(['context', 'traits'])})))`;
  const rows = await store.query<{ customer_id: string }>(sql`SELECT customer_id FROM (
      SELECT customer_id FROM customer_map
        WHERE (type = ${'email'} AND contains(value, ${q})) OR (type = ${'phone'} AND ${phoneNeedle}::VARCHAR IS NOT NULL AND contains(value, ${phoneNeedle}))
      UNION
      SELECT ${eventCustomerId} AS customer_id FROM events e ${eventCustomerJoins()}
        WHERE e.type = ${'identify'} AND contains(${name}, ${q}) AND ${eventCustomerId} IS NOT NULL)
    ORDER BY customer_id LIMIT ${Math.min(Math.max(limit, 1), 100)}`);
  const ids = rows.map((r) => r.customer_id);
  if (ids.length === 0) return { query, profiles: [] };
  const members = await store.query<{ customer_id: string; type: string; value: string }>(
    sql`SELECT customer_id, type, value FROM customer_map WHERE customer_id IN (SELECT unnest(${ids})) AND type IN (${'email'}, ${'phone'}) ORDER BY customer_id, type, value`,
  );
  // The name is read from the customer's traits folded in time order, as the profile shows them.
  const folded = new Map<string, { traits: Record<string, unknown>; sources: Profile['trait_sources'] }>();
  const identifies = await store.query<{ customer_id: string; message: unknown; source: string; message_id: string; ts: Date }>(
    sql`SELECT ${eventCustomerId} AS customer_id, e.message, e.source, e.message_id, e.ts FROM events e ${eventCustomerJoins()}
      WHERE e.type = ${'identify'} AND ${eventCustomerId} IN (SELECT unnest(${ids})) ORDER BY e.ts, e.seq`,
  );
  for (const r of identifies) {
    let acc = folded.get(r.customer_id);
    if (!acc) folded.set(r.customer_id, (acc = { traits: {}, sources: {} }));
    foldTraits(acc, r);
  }
  const byId = new Map<string, ProfileMatch>(ids.map((id) => [id, { customer_id: id, name: null, emails: [], phones: [] }]));
  for (const r of members) (r.type === 'email' ? byId.get(r.customer_id)?.emails : byId.get(r.customer_id)?.phones)?.push(r.value);
  for (const [id, { traits }] of folded) {
    const match = byId.get(id);
    if (match) match.name = nameOf(traits);
  }
  return { query, profiles: [...byId.values()] };
}
