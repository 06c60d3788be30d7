import type { WorkspaceConfig } from '../contract/index.js';
import { eventsTable, quarantineTable, raw, sql, type Sql, type Store, type StoreTx } from '../store/index.js';

/**
 * The SQL half of standardization, shared by the log loader and bulk imports: a relation of
 * staged rows (the columns of a log line, see log-record.ts) is converted to the base currency at
 * the rate of the order's local date and written to the event log; an order with no rate for its
 * date and currency goes to quarantine with that reason, never into sums.
 */
export interface StagedCounts {
  inserted: number;
  /** Rejections carried in the staged rows (validation failures). */
  rejected: number;
  /** Orders quarantined for want of a rate. */
  noRate: number;
}

export async function writeStaged(tx: StoreTx, store: Store, workspace: WorkspaceConfig, relation: Sql, seqBase: number): Promise<StagedCounts> {
  const d = store.dialect;
  const tsUtc = d.parseTimestamp(raw('src.ts'));
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE staged AS
    SELECT src.*, ${tsUtc} AS ts_utc, ${d.parseTimestamp(raw('src.r'))} AS r_utc,
      CASE WHEN src.v IS NULL OR src.e IS DISTINCT FROM 'Order Completed' THEN NULL
           WHEN src.c = ${workspace.baseCurrency} THEN 1.0
           ELSE rates.rate_to_base END AS rate,
      ${d.localDate(tsUtc, workspace.reportingTimezone)} AS local_date
    FROM ${relation} AS src
    LEFT JOIN rates ON rates.currency = src.c AND rates.date = ${d.localDate(tsUtc, workspace.reportingTimezone)}`);
  const cols = eventsTable.columns.map((c) => c.name);
  const inserted = await tx.run(sql`${d.insertIgnore('events', cols)}
    SELECT ${seqBase} + row_number() OVER (), id, t, e, u, a, ts_utc, r_utc, s,
      o, c, v, rate, CAST(v * rate AS DECIMAL(18,4)), em, ph, ${d.jsonText(raw('m'), ['context', 'channel'])}, m
    FROM staged
    WHERE id IS NOT NULL AND NOT (e IS NOT DISTINCT FROM 'Order Completed' AND v IS NOT NULL AND rate IS NULL)
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY r_utc) = 1`);
  const q = (key: string) => d.jsonText(raw('q'), [key]);
  const qcols = raw(quarantineTable.columns.map((c) => c.name).join(', '));
  const rejected = await tx.run(sql`INSERT INTO quarantine (${qcols})
    SELECT ${seqBase} + row_number() OVER (), ${d.parseTimestamp(q('receivedAt'))}, s, ${q('location')}, ${q('code')}, ${q('reason')}, ${q('field')}, ${q('raw')}
    FROM staged WHERE q IS NOT NULL`);
  const noRate = await tx.run(sql`INSERT INTO quarantine (${qcols})
    SELECT ${seqBase} + ${rejected} + row_number() OVER (), r_utc, s, coalesce(${d.jsonText(raw('m'), ['context', 'tessera', 'location'])}, s), 'no_rate',
      'no rate for ' || c || ' on ' || CAST(local_date AS VARCHAR) || ': import one with tessera rates import', 'properties.currency', CAST(m AS VARCHAR)
    FROM staged WHERE id IS NOT NULL AND e = 'Order Completed' AND v IS NOT NULL AND rate IS NULL`);
  await tx.run(sql`DROP TABLE staged`);
  return { inserted, rejected, noRate };
}
