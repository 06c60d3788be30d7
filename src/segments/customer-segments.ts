import { sql, type Store } from '../store/index.js';

/** A segment a customer belongs to, as of the last membership refresh. */
export interface CustomerSegment {
  id: string;
  name: string;
  entered_at: string;
}

/**
 * The stored segments a customer is in now, from the open membership spells (kept by `segments
 * refresh` and the server's scheduler), so a profile page costs one indexed read, not one rule
 * evaluation per segment.
 */
export async function customerSegments(store: Store, customerId: string): Promise<CustomerSegment[]> {
  const rows = await store.query<{ id: string; name: string; entered_at: Date }>(sql`SELECT d.id, d.name, m.entered_at
    FROM segment_membership m JOIN segment_definitions d ON d.id = m.segment_id
    WHERE m.customer_id = ${customerId} AND m.left_at IS NULL ORDER BY d.name`);
  return rows.map((r) => ({ id: r.id, name: r.name, entered_at: r.entered_at.toISOString() }));
}
