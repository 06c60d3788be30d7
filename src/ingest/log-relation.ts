import { externalIdsOf, raw, sql, type Sql, type Store } from '../store/index.js';
import { logLineColumns } from './log-record.js';
import { utcTimestamp } from './staging.js';

/**
 * Log lines (segments of the log, or an import's staging file) as a staged relation for
 * writeStaged: one JSON pass per line, times parsed to UTC TIMESTAMPs, and `n` the line's position
 * across the files in the order given (WITH ORDINALITY numbers rows in file order), so seq follows
 * the order lines were logged.
 */
export function logLinesRelation(store: Store, paths: readonly string[]): Sql {
  // TRY_CAST: a time the store cannot hold (past the year 9999 in UTC) makes the line unreadable, for quarantine;
  // a CAST would fail this load and every load after it, the acknowledged messages behind it never stored.
  const parse = (col: string) => utcTimestamp(sql`TRY_CAST(${raw(col)} AS TIMESTAMPTZ)`);
  // A line written before `ch` existed has none: its channel is read from the message.
  const channel = sql`CASE WHEN ch IS NULL THEN ${store.dialect.jsonText(raw('m'), ['context', 'channel'])} ELSE nullif(ch, '') END`;
  // Likewise its external ids (a scan of the message text, which lines that carry `x` spare).
  const externalIds = sql`CASE WHEN x IS NULL THEN ${externalIdsOf(store.dialect, raw('m'))} ELSE nullif(x, '') END`;
  return sql`(SELECT s, id, t, e, u, a, ${parse('ts')} AS ts, ${parse('r')} AS r, m, q, o, c, v, em, ph, ${channel} AS ch, ${externalIds} AS x, l, ordinality AS n
    FROM ${store.jsonLines(paths, logLineColumns)} WITH ORDINALITY)`;
}
