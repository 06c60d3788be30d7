import { TesseraError, type ProfileMatch, type ProfileSearch, type WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import { sql, type Store } from '../store/index.js';

export type { ProfileMatch, ProfileSearch };

/**
 * Customers whose name, email or phone contains the query, ignoring case; a query of digits also
 * matches phones whatever their formatting. Substring tests, not LIKE, so `%` and `_` in a query
 * match themselves. The name is the one the customer's latest identify call gave (traits, else
 * context.traits), which the fact refresh keeps per customer (`customer_name`): reading it from every
 * identify message took 15 s at 1M customers.
 */
export async function searchProfiles(store: Store, workspace: WorkspaceConfig, query: string, limit = 20): Promise<ProfileSearch> {
  const q = query.trim().toLowerCase();
  if (q.length < 2) throw new TesseraError('invalid_argument', `a search needs at least 2 characters of a name, an email or a phone: "${query.trim()}" has ${q.length}`);
  const digits = q.replace(/[\s().+-]/g, '');
  const phoneNeedle = /^\d{4,}$/.test(digits) ? digits : null;
  await refreshFacts(store, workspace);
  const named = sql`SELECT k.id AS customer_id, cn.name FROM customer_name cn JOIN customer_keys k ON k.key = cn.customer_key`;
  const rows = await store.query<{ customer_id: string }>(sql`SELECT customer_id FROM (
      SELECT customer_id FROM customer_map
        WHERE (type = ${'email'} AND contains(value, ${q})) OR (type = ${'phone'} AND ${phoneNeedle}::VARCHAR IS NOT NULL AND contains(value, ${phoneNeedle}))
      UNION
      SELECT n.customer_id FROM (${named}) n WHERE contains(lower(n.name), ${q}) AND n.customer_id IN (SELECT customer_id FROM customer_map))
    ORDER BY customer_id LIMIT ${Math.min(Math.max(limit, 1), 100)}`);
  const ids = rows.map((r) => r.customer_id);
  if (ids.length === 0) return { query, profiles: [] };
  const [members, names] = await Promise.all([
    store.query<{ customer_id: string; type: string; value: string }>(
      sql`SELECT customer_id, type, value FROM customer_map WHERE customer_id IN (SELECT unnest(${ids})) AND type IN (${'email'}, ${'phone'}) ORDER BY customer_id, type, value`,
    ),
    store.query<{ customer_id: string; name: string }>(sql`SELECT customer_id, name FROM (${named}) n WHERE customer_id IN (SELECT unnest(${ids}))`),
  ]);
  const byId = new Map<string, ProfileMatch>(ids.map((id) => [id, { customer_id: id, name: null, emails: [], phones: [] }]));
  for (const r of members) (r.type === 'email' ? byId.get(r.customer_id)?.emails : byId.get(r.customer_id)?.phones)?.push(r.value);
  for (const r of names) {
    const match = byId.get(r.customer_id);
    if (match) match.name = r.name;
  }
  return { query, profiles: [...byId.values()] };
}
