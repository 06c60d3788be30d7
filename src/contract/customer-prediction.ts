// One customer's customer-value prediction: `clv predict --json` rows and `GET /api/v1/clv/predictions?customer_id=`.

/** A customer's BG/NBD + Gamma-Gamma prediction. */
export interface CustomerPrediction {
  readonly customer_id: string;
  readonly frequency: number;
  readonly recency: number;
  /** T: time since the first purchase, in the fit's unit. */
  readonly age: number;
  readonly monetary: number;
  readonly expected_purchases: number;
  readonly p_alive: number;
  readonly churn_risk: number;
  readonly expected_spend: number | null;
  readonly clv: number | null;
  readonly clv_decile: number | null;
  readonly high_value: boolean;
  readonly high_value_at_risk: boolean;
}
