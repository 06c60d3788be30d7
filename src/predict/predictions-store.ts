import type { CustomerPrediction, ListedPrediction } from '../contract/index.js';
import { sql, type AppendValue, type Store } from '../store/index.js';

// One customer's stored prediction, as `clv predict --json` and the API print it: the shape is
// part of the API (the dashboard reads it), so it lives in contract/.
export type { CustomerPrediction, ListedPrediction };

/** Where the predictions came from. */
export interface PredictionRun {
  readonly fitId: string;
  readonly asOf: string;
  readonly horizonDays: number;
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Replaces every stored prediction with these, in one transaction: readers see the old set or the new. */
export async function writePredictions(store: Store, run: PredictionRun, predictions: Iterable<CustomerPrediction>): Promise<number> {
  function* rows(): Iterable<AppendValue[]> {
    for (const p of predictions) {
      yield [
        p.customer_id,
        run.fitId,
        run.asOf,
        run.horizonDays,
        p.frequency,
        p.recency,
        p.age,
        p.monetary,
        p.expected_purchases,
        p.p_alive,
        p.churn_risk,
        p.expected_spend,
        p.clv,
        p.clv_decile,
        p.high_value,
        p.high_value_at_risk,
      ];
    }
  }
  return store.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM clv_predictions`);
    return tx.appendRows('clv_predictions', rows());
  });
}

interface PredictionRow {
  customer_id: string;
  fit_id: string;
  as_of: string;
  horizon_days: number;
  frequency: number;
  recency: number;
  age: number;
  monetary: number;
  expected_purchases: number;
  p_alive: number;
  churn_risk: number;
  expected_spend: number | null;
  clv: number | null;
  clv_decile: number | null;
  high_value: boolean;
  high_value_at_risk: boolean;
}

const selectPredictions = sql`SELECT customer_id, fit_id, CAST(as_of AS VARCHAR) AS as_of, horizon_days, frequency, recency, age, monetary,
  expected_purchases, p_alive, churn_risk, expected_spend, clv, clv_decile, high_value, high_value_at_risk FROM clv_predictions`;

function toPrediction(row: PredictionRow): CustomerPrediction {
  return {
    customer_id: row.customer_id,
    frequency: Number(row.frequency),
    recency: row.recency,
    age: row.age,
    monetary: row.monetary,
    expected_purchases: row.expected_purchases,
    p_alive: row.p_alive,
    churn_risk: row.churn_risk,
    expected_spend: row.expected_spend === null ? null : finiteOrNull(row.expected_spend),
    clv: row.clv === null ? null : finiteOrNull(row.clv),
    clv_decile: row.clv_decile === null ? null : Number(row.clv_decile),
    high_value: row.high_value,
    high_value_at_risk: row.high_value_at_risk,
  };
}

/** The stored prediction of one customer with the run it came from, or undefined. */
export async function readPrediction(store: Store, customerId: string): Promise<(CustomerPrediction & { fit_id: string; as_of: string; horizon_days: number }) | undefined> {
  const rows = await store.query<PredictionRow>(sql`${selectPredictions} WHERE customer_id = ${customerId}`);
  const row = rows[0];
  return row ? { ...toPrediction(row), fit_id: row.fit_id, as_of: row.as_of, horizon_days: Number(row.horizon_days) } : undefined;
}

/** The run every stored prediction came from (they are replaced together), or undefined before the first. */
export async function readPredictionRun(store: Store): Promise<{ as_of: string; horizon_days: number } | undefined> {
  const rows = await store.query<{ as_of: string; horizon_days: number }>(sql`SELECT CAST(as_of AS VARCHAR) AS as_of, horizon_days FROM clv_predictions LIMIT 1`);
  const row = rows[0];
  return row ? { as_of: row.as_of, horizon_days: Number(row.horizon_days) } : undefined;
}

/** Stored predictions, highest CLV first. */
export async function readPredictions(store: Store, options: { limit: number; offset?: number; highValueAtRisk?: boolean }): Promise<ListedPrediction[]> {
  const filter = options.highValueAtRisk ? sql` WHERE high_value_at_risk` : sql``;
  const rows = await store.query<PredictionRow & { email: string | null }>(
    sql`SELECT p.*, (SELECT min(m.value) FROM customer_map m WHERE m.customer_id = p.customer_id AND m.type = ${'email'}) AS email
      FROM (${selectPredictions}${filter} ORDER BY clv DESC NULLS LAST, customer_id LIMIT ${options.limit} OFFSET ${options.offset ?? 0}) p
      ORDER BY p.clv DESC NULLS LAST, p.customer_id`,
  );
  return rows.map((row) => ({ ...toPrediction(row), email: row.email }));
}
