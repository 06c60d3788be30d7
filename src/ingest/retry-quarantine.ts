import type { SegmentMessage } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';
import type { Ingestor } from './ingestor.js';

/**
 * Retries orders quarantined for want of a rate (after `rates import`). Each message is
 * re-queued durably before its quarantine row is deleted, so a crash between the two never loses the
 * order (stored once all the same: the message keeps its messageId); the stale row it leaves is deleted
 * when the next process loads the order from the log (stored-no-rate.ts). The loader quarantines again
 * what still has no rate.
 */
export async function retryNoRate(store: Store, ingestor: Ingestor): Promise<{ retried: number; stillQuarantined: number }> {
  let retried = 0;
  let after = -1;
  // Only what was quarantined when the retry began: the loader, running meanwhile, quarantines again
  // the requeued orders that still have no rate, and those must not be retried in a loop.
  const [top] = await store.query<{ seq: number | null }>(sql`SELECT max(seq) AS seq FROM quarantine WHERE code = 'no_rate'`);
  const last = Number(top?.seq ?? -1);
  for (;;) {
    const rows = await store.query<{ seq: number; source: string; location: string | null; raw: string }>(
      sql`SELECT seq, source, location, raw FROM quarantine WHERE code = 'no_rate' AND seq > ${after} AND seq <= ${last} ORDER BY seq LIMIT 5000`,
    );
    if (rows.length === 0) break;
    const bySource = new Map<string, { message: SegmentMessage; location?: string }[]>();
    for (const r of rows) {
      const list = bySource.get(r.source) ?? [];
      list.push({ message: JSON.parse(r.raw) as SegmentMessage, ...(r.location !== null ? { location: r.location } : {}) });
      bySource.set(r.source, list);
    }
    const upTo = rows.at(-1)?.seq ?? after;
    await ingestor.requeue(bySource, () => store.run(sql`DELETE FROM quarantine WHERE code = 'no_rate' AND seq > ${after} AND seq <= ${upTo}`));
    after = upTo;
    retried += rows.length;
  }
  await ingestor.flush();
  // The loader may have taken the requeued lines before flush, so its own count can miss some: ask the table.
  const [still] = await store.query<{ n: number }>(sql`SELECT count(*) AS n FROM quarantine WHERE code = 'no_rate'`);
  return { retried, stillQuarantined: Number(still?.n ?? 0) };
}
