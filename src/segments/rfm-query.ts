import { join, raw, sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import { customerMeasures } from './customer-measures.js';
import { exactQuantiles } from './exact-quantiles.js';
import { QUINTILE_PROBABILITIES, rfmSegmentCells } from './rfm-score.js';
import type { SegmentFunctions } from './segment-sql.js';

/** The 25 (R, F) cells and their names as a relation (r, f, segment), from the one table in rfm-score.ts. */
function segmentNames(): Sql {
  const rows = rfmSegmentCells().map((c) => sql`(${c.r}, ${c.f}, ${c.segment})`);
  return sql`(SELECT * FROM (VALUES ${join(rows)}) AS t(r, f, segment))`;
}

/** The number of cut points (columns `<prefix>1` … `<prefix>4` of `cuts`) strictly below `value`. */
function countBelow(prefix: string, value: Sql): Sql {
  const terms = QUINTILE_PROBABILITIES.map((_, i) => sql`CASE WHEN ${raw(`cuts.${prefix}${i + 1}`)} < ${value} THEN 1 ELSE 0 END`);
  return sql`(${join(terms, ' + ')})`;
}

export interface ScoreOptions {
  /** `measures` is a CTE already computed once (materialized), so it is read twice as it is. */
  materialized?: boolean;
  /** Leave M out (NULL): a named segment needs only R and F, and M's cut points are the costly ones. */
  withoutMonetary?: boolean;
}

/**
 * Scores a relation of measures (customer_key, recency, frequency, monetary, and any other columns,
 * passed through): quintile cut points over its rows (linear interpolation), R, F, M and the named
 * segment. The same rules as rfm-score.ts, at the engine's speed: cut points come from each
 * measure's histogram (exactQuantiles), the same numbers quantile_cont gives from every value, at a
 * fraction of the cost (a million customers share a few thousand recencies and order counts).
 */
export function scoreRelation(measures: Sql, f: SegmentFunctions, options: ScoreOptions = {}): Sql {
  const ps = QUINTILE_PROBABILITIES;
  // Read twice (cut points, then scores): a caller's relation computed once already is read as it
  // is (a second CTE over it would be materialized again); anything else is computed once here.
  const measured = options.materialized ? measures : sql`measured`;
  const cut = (prefix: string, i: number, from: string) => sql`${raw(`${from}.q${i + 1}`)} AS ${raw(`${prefix}${i + 1}`)}`;
  const quantiles = (column: string, from: string) => sql`${exactQuantiles(measured, column, ps)} ${raw(from)}`;
  const prefixes = options.withoutMonetary ? (['r', 'f'] as const) : (['r', 'f', 'm'] as const);
  const sources = prefixes.map((p) => quantiles(p === 'r' ? 'recency' : p === 'f' ? 'frequency' : 'monetary', `${p}q`));
  const cuts = prefixes.flatMap((p) => ps.map((_, i) => cut(p, i, `${p}q`)));
  return sql`(WITH ${options.materialized ? raw('') : sql`measured AS ${f.materialized()} (SELECT * FROM ${measures} q0),`}
    cuts AS (SELECT ${join(cuts)} FROM ${join(sources, ' CROSS JOIN ')}),
    scored AS (
      SELECT x.*, 5 - ${countBelow('r', sql`x.recency`)} AS r, 1 + ${countBelow('f', sql`x.frequency`)} AS f,
        ${options.withoutMonetary ? sql`CAST(NULL AS INTEGER)` : sql`1 + ${countBelow('m', sql`x.monetary`)}`} AS m
      FROM ${measured} x CROSS JOIN cuts)
    SELECT s.*, n.segment FROM scored s JOIN ${segmentNames()} n ON n.r = s.r AND n.f = s.f)`;
}

/** RFM as of D in one query. Columns: customer_key, first_day, last_day, recency, frequency, monetary, r, f, m, segment. */
export function rfmRelation(asOf: AsOf, f: SegmentFunctions, options: ScoreOptions = {}): Sql {
  return scoreRelation(customerMeasures(asOf, f), f, options);
}
