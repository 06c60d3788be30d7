import { raw, sql, type Store } from '../store/index.js';

/**
 * A re-import meets the same bad rows again. Its rejections are written like any others (so the
 * counts of the write stay exact), then the ones the quarantine already held are removed: importing
 * a file twice adds nothing to the quarantine either. The same rejection is the same source,
 * location, code and row; for an order waiting for a rate, the same message id (its receivedAt differs),
 * wherever it was read (quarantined before its file's line was kept, it named the source).
 */
export async function dropRepeatedRejections(store: Store, source: string, since: Date): Promise<number> {
  const d = store.dialect;
  // The row's identity as one value of each side, so the join hashes it: compared as a condition on
  // both rows at once, it was checked for every pair of a source's no-rate orders (one location, the
  // source's name, for all those from HTTP or NDJSON), 2.8 s for 1,625 of them.
  const sameRow = (t: string) => sql`CASE WHEN ${raw(t)}.code = 'no_rate' THEN ${d.jsonText(raw(`${t}.raw`), ['messageId'])} ELSE ${raw(t)}.raw END`;
  const samePlace = (t: string) => sql`CASE WHEN ${raw(t)}.code <> 'no_rate' THEN ${raw(t)}.location END`;
  return store.run(sql`DELETE FROM quarantine q WHERE q.source = ${source} AND q.received_at >= ${since}
    AND EXISTS (SELECT 1 FROM quarantine o WHERE o.source = q.source AND o.code = q.code
      AND ${samePlace('o')} IS NOT DISTINCT FROM ${samePlace('q')} AND ${sameRow('o')} IS NOT DISTINCT FROM ${sameRow('q')} AND o.seq < q.seq)`);
}
