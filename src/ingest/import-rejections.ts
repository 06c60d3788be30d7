import { raw, sql, type Sql, type Store, type StoreTx } from '../store/index.js';

/**
 * What makes two rejections one, beyond the same source, code and reason:
 * - `row` (file imports): the same place (file and line) and the same row (its raw text; for an order waiting for
 *   a rate, its message id, as its raw is the stamped message, wherever it was read: quarantined before its file's
 *   line was kept, it named the source). A file's line is a row of its own: two equal bad
 *   lines are two rows to correct, and each is counted in the import's summary.
 * - `message` (the tracking API, and orders retried after a rate): the same message: its messageId, else its raw
 *   text. An SDK's retry sends the message again with a new `sentAt`, maybe at another index of another batch, so
 *   neither the raw text nor the place would match; the messageId is the message, as it is for the events' dedup.
 */
export type RepeatScope = 'row' | 'message';

/** Rows seq in (after, upTo]: what one write stored. */
export interface WrittenRange {
  after: number;
  upTo: number;
}

/**
 * A file imported again, or a request sent again, meets the same rejections again. They are written like any
 * others (so the write's counts stay exact), then, in the same transaction, the rows of this write that the
 * quarantine already held (or that repeat an earlier row of the same write) are removed: the first one stays, so
 * a re-import leaves the quarantine as it was, and a killed import cannot leave repeats behind.
 */
export async function dropRepeatedRejections(tx: StoreTx, store: Store, written: WrittenRange, scope: RepeatScope): Promise<number> {
  const messageId = (t: string) => store.dialect.jsonText(raw(`${t}.raw`), ['messageId']);
  // The row's identity as one value of each side, so the join hashes it: compared as a condition on both rows at
  // once, it was checked for every pair of a source's no-rate orders (one location, the source's name, for all
  // those from HTTP or NDJSON), 2.8 s for 1,625 of them. A raw text cut at 64 KB is no JSON, and reading it as
  // JSON would fail the whole load: json_valid (DuckDB's, like the rest of ingest's SQL the dialect does not spell
  // yet) guards it; an order waiting for a rate holds the stored message, always JSON.
  const key = (t: string): Sql =>
    scope === 'row'
      ? sql`CASE WHEN ${raw(t)}.code = 'no_rate' THEN ${messageId(t)} ELSE ${raw(t)}.raw END`
      : sql`CASE WHEN ${raw(t)}.code = 'no_rate' THEN ${messageId(t)} ELSE coalesce(CASE WHEN json_valid(${raw(t)}.raw) THEN ${messageId(t)} END, ${raw(t)}.raw) END`;
  const samePlace = scope === 'row' ? sql`AND (f.code = 'no_rate' OR o.location IS NOT DISTINCT FROM f.location)` : raw('');
  // The earlier rows are narrowed to the sources, codes and reasons of this write before their keys are computed:
  // the quarantine's raw texts are read (and parsed) only where a repeat can be.
  return tx.run(sql`DELETE FROM quarantine WHERE seq IN (
    WITH fresh AS MATERIALIZED (
      SELECT f.seq, f.source, f.code, f.reason, f.location, ${key('f')} AS k FROM quarantine f WHERE f.seq > ${written.after} AND f.seq <= ${written.upTo}
    ),
    candidates AS (
      SELECT c.seq, c.source, c.code, c.reason, c.location, c.raw FROM quarantine c
      WHERE c.seq <= ${written.upTo} AND EXISTS (SELECT 1 FROM fresh x WHERE x.source = c.source AND x.code = c.code AND x.reason = c.reason)
    ),
    earlier AS (SELECT o.seq, o.source, o.code, o.reason, o.location, ${key('o')} AS k FROM candidates o)
    SELECT f.seq FROM fresh f JOIN earlier o ON o.source = f.source AND o.code = f.code AND o.reason = f.reason AND o.k = f.k ${samePlace}
    WHERE o.seq < f.seq)`);
}
