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

/** A prediction as a page of them lists it (`GET /api/v1/clv/predictions`): with one email, so that a person can tell the customers apart. */
export type ListedPrediction = CustomerPrediction & { readonly email: string | null };

/** `GET /api/v1/clv/predictions` without `customer_id`: a page, highest CLV first, and the run it comes from. */
export interface PredictionPage {
  customers: ListedPrediction[];
  limit: number;
  offset: number;
  /** The day the predictions were made as of, and their horizon; null before any `clv predict`. */
  as_of: string | null;
  horizon_days: number | null;
}
