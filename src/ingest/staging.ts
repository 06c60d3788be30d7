import { TesseraError, type WorkspaceConfig } from '../contract/index.js';
import { eventsTable, matchingExternalIds, quarantineTable, raw, sql, type Sql, type Store, type StoreTx } from '../store/index.js';
import { quarantineUnreadable } from './unreadable-lines.js';
import { markStoredDuplicates } from './stored-keys.js';

/**
 * The SQL half of standardization, shared by the log loader and bulk imports: a relation of
 * staged rows is converted to the base currency at the rate of the order's local date and written
 * to the event log; an order with no rate for its date and currency goes to quarantine with that
 * reason, never into sums.
 *
 * A staged relation has the columns of a log line (see log-record.ts: s, id, t, e, u, a, m, q, o,
 * c, v, em, ph) with `ts` and `r` as UTC TIMESTAMPs, plus `ch` (the message's context.channel), `x` (its
 * context.externalIds as JSON text, NULL without), `l` (where the message came from when the message does
 * not say it in context.tessera.location, NULL otherwise: a line of an NDJSON file, for its quarantine row) and
 * `n`, the row's position in the input (from 1, unique, gaps allowed). A row's seq is `seqBase + n`,
 * so seq follows the order in which lines were logged or read, whatever order DuckDB works in.
 *
 * The relation is read twice, never materialized whole: the message text (`m`) is the bulk of
 * every row, and copying it is what a write costs. The first pass reads only the narrow columns
 * and decides each row's fate (event, duplicate, no rate, rejection) into a small temp table
 * (a duplicate: a second row of its message_key in the input, or a key already in `events`);
 * the second builds and writes the messages of the rows to store, and nothing else.
 */
export interface StagedCounts {
  inserted: number;
  /** Rejections carried in the staged rows (validation failures). */
  rejected: number;
  /** Orders quarantined for want of a rate. */
  noRate: number;
  /** Highest `n` of the relation (0 when empty): the write used seq numbers up to seqBase + maxN. */
  maxN: number;
  /** Lines the store could not read (quarantined as `unreadable` when the relation's files are known). */
  unreadable: number;
}

/** A UTC instant as a naive TIMESTAMP through the epoch: a TIMESTAMPTZ cast goes through ICU per row. */
export function utcTimestamp(instant: Sql): Sql {
  return sql`make_timestamp(epoch_us(${instant}))`;
}

/**
 * Writes a staged relation to events and quarantine in the caller's transaction; seq = seqBase + n. `files`, the log
 * lines the relation reads (logLinesRelation's paths), lets a line the store could not read be quarantined with its
 * text: each was acknowledged or counted, so none may vanish.
 */
export async function writeStaged(tx: StoreTx, store: Store, workspace: WorkspaceConfig, relation: Sql, seqBase: number, files: readonly string[] = []): Promise<StagedCounts> {
  const d = store.dialect;
  // Only orders are converted: the local date (a per-row zone conversion) is computed for them alone.
  const isOrder = sql`(src.v IS NOT NULL AND src.e IS NOT DISTINCT FROM 'Order Completed')`;
  const localDate = sql`CASE WHEN ${isOrder} AND src.c IS DISTINCT FROM ${workspace.baseCurrency} THEN ${d.localDate(raw('src.ts'), workspace.reportingTimezone)} END`;
  // Fates: a rejection; an order with no rate (whether or not it is known: quarantine says so each time);
  // else the first row of its id in this input, unless the log holds it already (markStoredDuplicates); else a duplicate.
  // A rejection (`q`, NULL on every other row) and its source are kept here too, so writing it needs no second read of the relation.
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE staged_keys AS
    WITH k AS MATERIALIZED (
      SELECT *, min(CASE WHEN NOT no_rate THEN n END) OVER (PARTITION BY key) AS first_n FROM (
        SELECT src.n, src.id, ${d.messageKey(raw('src.id'))} AS key, src.ts, src.r, src.c, src.q IS NOT NULL AS rejected, src.local_date,
          src.q, src.s,
          CASE WHEN NOT ${isOrder} THEN NULL WHEN src.c = ${workspace.baseCurrency} THEN 1.0 ELSE rates.rate_to_base END AS rate,
          (${isOrder} AND src.c IS DISTINCT FROM ${workspace.baseCurrency} AND rates.rate_to_base IS NULL) AS no_rate
        FROM (SELECT src.*, ${localDate} AS local_date FROM ${relation} AS src) src
        LEFT JOIN rates ON rates.currency = src.c AND rates.date = src.local_date
      )
    )
    SELECT k.n, k.id, k.key, k.ts, k.r, k.c, k.rate, k.local_date, k.q, k.s,
      CASE WHEN k.rejected THEN 'rejected'
           WHEN k.id IS NULL OR k.ts IS NULL OR k.r IS NULL THEN 'unreadable'
           WHEN k.no_rate THEN 'no_rate'
           WHEN k.n = k.first_n THEN 'event'
           ELSE 'duplicate' END AS kind
    FROM k`);
  await markStoredDuplicates(tx, store, seqBase);
  const [tally] = await tx.query<{ inserted: number | null; rejected: number | null; no_rate: number | null; unreadable: number | null; max_n: number | null }>(
    sql`SELECT count(*) FILTER (WHERE kind = 'event') AS inserted, count(*) FILTER (WHERE kind = 'rejected') AS rejected,
      count(*) FILTER (WHERE kind = 'no_rate') AS no_rate, count(*) FILTER (WHERE kind = 'unreadable') AS unreadable, max(n) AS max_n FROM staged_keys`,
  );
  const counts: StagedCounts = {
    inserted: 0,
    rejected: Number(tally?.rejected ?? 0),
    noRate: Number(tally?.no_rate ?? 0),
    maxN: Number(tally?.max_n ?? 0),
    unreadable: Number(tally?.unreadable ?? 0),
  };
  const of = (kind: string) => sql`FROM ${relation} AS src JOIN (SELECT * FROM staged_keys WHERE kind = ${kind}) k ON k.n = src.n`;

  if (Number(tally?.inserted ?? 0) > 0) {
    const cols = raw(eventsTable.columns.map((c) => c.name).join(', '));
    // Every row is new (checked above), so a plain insert: INSERT OR IGNORE would group the whole input by id first.
    counts.inserted = await tx.run(sql`INSERT INTO events (${cols})
      SELECT ${seqBase} + k.n, src.id, src.t, src.e, src.u, src.a, k.ts, k.r, src.s,
        src.o, src.c, src.v, k.rate, CAST(src.v * k.rate AS DECIMAL(18,4)), src.em, src.ph, src.ch, src.m, k.key, ${matchingExternalIds(raw('src.x'))}
      ${of('event')}`);
  }
  const qcols = raw(quarantineTable.columns.map((c) => c.name).join(', '));
  if (counts.rejected > 0) {
    const q = (key: string) => d.jsonText(raw('k.q'), [key]);
    await tx.run(sql`INSERT INTO quarantine (${qcols})
      SELECT ${seqBase} + k.n, ${d.parseTimestamp(q('receivedAt'))}, k.s, ${q('location')}, ${q('code')}, ${q('reason')}, ${q('field')}, ${q('raw')}
      FROM staged_keys k WHERE kind = 'rejected'`);
  }
  if (counts.noRate > 0) {
    await tx.run(sql`INSERT INTO quarantine (${qcols})
      SELECT ${seqBase} + k.n, k.r, src.s, coalesce(src.l, ${d.jsonText(raw('src.m'), ['context', 'tessera', 'location'])}, src.s), 'no_rate',
        'no rate for ' || k.c || ' on ' || CAST(k.local_date AS VARCHAR) || ': import one with tessera rates import', 'properties.currency', CAST(src.m AS VARCHAR)
      ${of('no_rate')}`);
  }
  if (counts.unreadable > 0) {
    // A line read whole whose time the store cannot hold: its message is here to keep.
    const m = raw('src.m');
    const quoted = (path: string) => sql`coalesce(${d.jsonText(m, [path])}, '')`;
    await tx.run(sql`INSERT INTO quarantine (${qcols})
      SELECT ${seqBase} + k.n, coalesce(k.r, ${new Date()}), k.s, coalesce(src.l, ${d.jsonText(m, ['context', 'tessera', 'location'])}, k.s), 'unreadable',
        CASE WHEN k.ts IS NULL THEN 'timestamp ' || ${quoted('timestamp')} ELSE 'receivedAt ' || ${quoted('receivedAt')} END
          || ' is outside the times the store holds (the years 0000-9999 in UTC)',
        CASE WHEN k.ts IS NULL THEN 'timestamp' ELSE 'receivedAt' END, CAST(src.m AS VARCHAR)
      ${of('unreadable')} WHERE k.id IS NOT NULL`);
    // A line the store could not parse at all comes out empty: its text is read from the file.
    const lost = (await tx.query<{ n: number }>(sql`SELECT n FROM staged_keys WHERE kind = 'unreadable' AND id IS NULL ORDER BY n`)).map((r) => Number(r.n));
    if (lost.length > 0) {
      if (files.length === 0) throw new TesseraError('internal', `${lost.length} staged rows could not be read, and no file holds their text`);
      await quarantineUnreadable(tx, files, lost, seqBase);
    }
  }
  await tx.run(sql`DROP TABLE staged_keys`);
  return counts;
}
