// The shape of `tessera segments retention --json` and `GET /api/v1/segments/retention` (issue 6's
// retention view), shared by the segments module that builds it and the dashboard that reads it.

/** The ten RFM named segments of metrics.md, in report order (best first). */
export type RetentionRfmSegment =
  | 'Champions'
  | 'Loyal'
  | 'Potential loyalists'
  | 'New'
  | 'Promising'
  | 'Need attention'
  | 'About to sleep'
  | "Can't lose them"
  | 'At risk'
  | 'Hibernating';

/** The three compared windows: month to date, the same days of last month, of the same month last year. */
export type RetentionWindowName = 'current' | 'last_month' | 'last_year';

/**
 * Local days `from`..`to`, both included: the first of a month up to a day of it. The earlier
 * windows end on the same day of their month, clamped to the month's last day (as of 03-31, last
 * month's window is 02-01..02-28), so `days` can be shorter than the current window's.
 */
export interface RetentionWindow {
  from: string;
  to: string;
  days: number;
}

/** A segment in one window. */
export interface RetentionWindowSales {
  /** Customers in the segment as of the window's last day (`to`). */
  members: number;
  /** Of those, customers with at least one order in the window. */
  customers: number;
  orders: number;
  /** Net revenue of those orders in base currency, to the cent (orders as known at the end of `as_of`: removed orders out, partial refunds taken off). */
  revenue: number;
}

/** Relative change of the current window from an earlier one, in percent; null when the earlier value is 0. */
export interface RetentionChange {
  revenue: number | null;
  customers: number | null;
}

/** A product bought by a segment's members in the current window. */
export interface RetentionProduct {
  product_id: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  /** Line revenue (price × quantity in base currency, to the cent) of the orders that count; partial refunds are per order, so not taken off here. */
  revenue: number;
  quantity: number;
  orders: number;
  customers: number;
}

/** Customers in a segment a year before `as_of` and at `as_of`. */
export interface RetentionYearOverYear {
  /** In the segment at both days. */
  stayed: number;
  /** In it at `as_of`, not a year earlier. */
  entered: number;
  /** In it a year earlier, not at `as_of`. */
  left: number;
}

/** One row of the view: an RFM named segment (id = its name) or a stored rule segment (id = its id). */
export interface RetentionSegment {
  kind: 'rfm' | 'rule';
  id: string;
  name: string;
  current: RetentionWindowSales;
  last_month: RetentionWindowSales;
  last_year: RetentionWindowSales;
  change: { vs_last_month: RetentionChange; vs_last_year: RetentionChange };
  /** Top 5 products by revenue in the current window (ties by product), members as of `as_of`. */
  top_products: RetentionProduct[];
  year_over_year: RetentionYearOverYear;
}

/**
 * How the RFM named segments moved from `from_as_of` (a year earlier) to `to_as_of`. Rows and
 * columns follow `segments`. `matrix[i][j]` counts customers in `segments[i]` at `from_as_of` and
 * in `segments[j]` at `to_as_of`; it sums to `population`, the customers scored at both days.
 * Customers scored only at `to_as_of` (first order that counts after `from_as_of`) are in `new`
 * by destination; customers scored only at `from_as_of` (every order since removed) in `departed`
 * by origin. Neither is part of `population`.
 */
export interface RetentionMovement {
  from_as_of: string;
  to_as_of: string;
  segments: RetentionRfmSegment[];
  matrix: number[][];
  population: number;
  new: number[];
  departed: number[];
}

/** The retention view as of a day. */
export interface SegmentRetentionReport {
  as_of: string;
  /** ISO 4217 code of every revenue figure. */
  currency: string;
  windows: Record<RetentionWindowName, RetentionWindow>;
  /** RFM named segments first (report order), then stored rule segments by id. */
  segments: RetentionSegment[];
  movement: RetentionMovement;
}
