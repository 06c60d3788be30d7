import { join, sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import { customerMeasures } from './customer-measures.js';
import { QUINTILE_PROBABILITIES, rfmSegmentCells } from './rfm-score.js';
import type { SegmentFunctions } from './segment-sql.js';

/** The 25 (R, F) cells and their names as a relation (r, f, segment), from the one table in rfm-score.ts. */
function segmentNames(): Sql {
  const rows = rfmSegmentCells().map((c) => sql`(${c.r}, ${c.f}, ${c.segment})`);
  return sql`(SELECT * FROM (VALUES ${join(rows)}) AS t(r, f, segment))`;
}

/** 1 + the number of cut points (a list) strictly below `value`. */
function countBelow(cuts: Sql, value: Sql, f: SegmentFunctions): Sql {
  const terms = QUINTILE_PROBABILITIES.map((_, i) => sql`CASE WHEN ${f.listItem(cuts, i + 1)} < ${value} THEN 1 ELSE 0 END`);
  return join(terms, ' + ');
}

/**
 * Scores a relation of measures (customer_key, last_day, recency, frequency, monetary): quintile
 * cut points over its rows (linear interpolation), R, F, M and the named segment. The same rules as
 * rfm-score.ts, at the engine's speed.
 */
export function scoreRelation(measures: Sql, f: SegmentFunctions): Sql {
  const ps = QUINTILE_PROBABILITIES;
  // The measures are read twice (cut points, then scores): computed once.
  return sql`(WITH measured AS ${f.materialized()} (SELECT * FROM ${measures} q0),
    cuts AS (SELECT ${f.quantiles(sql`recency`, ps)} AS rc, ${f.quantiles(sql`frequency`, ps)} AS fc, ${f.quantiles(sql`monetary`, ps)} AS mc FROM measured q),
    scored AS (
      SELECT x.customer_key, x.last_day, x.recency, x.frequency, x.monetary, 5 - (${countBelow(sql`cuts.rc`, sql`x.recency`, f)}) AS r,
        1 + ${countBelow(sql`cuts.fc`, sql`x.frequency`, f)} AS f,
        1 + ${countBelow(sql`cuts.mc`, sql`x.monetary`, f)} AS m
      FROM measured x CROSS JOIN cuts)
    SELECT s.customer_key, s.last_day, s.recency, s.frequency, s.monetary, s.r, s.f, s.m, n.segment
    FROM scored s JOIN ${segmentNames()} n ON n.r = s.r AND n.f = s.f)`;
}

/** RFM as of D in one query. Columns: customer_key, last_day, recency, frequency, monetary, r, f, m, segment. */
export function rfmRelation(asOf: AsOf, f: SegmentFunctions): Sql {
  return scoreRelation(customerMeasures(asOf, f), f);
}
