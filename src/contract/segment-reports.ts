// The documents of `tessera rfm --json` and `tessera cohorts --json` (and /api/v1/rfm, /cohorts):
// built by src/segments, read by the dashboard, so their shapes live here once.
import type { RetentionRfmSegment } from './segment-retention.js';

export type RfmScore = 1 | 2 | 3 | 4 | 5;
export type RfmRecencyBand = 'active' | 'churning' | 'lapsed';
export type RfmFrequencyBand = '1' | '2' | '3+';

export interface RfmCustomer {
  customer_id: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RetentionRfmSegment;
}

export interface RfmSegmentSummary {
  name: RetentionRfmSegment;
  customers: number;
  revenue: number;
  /** Percent of the scored customers. */
  share: number | null;
}

export interface MatrixCell {
  recency: RfmRecencyBand;
  frequency: RfmFrequencyBand;
  customers: number;
  revenue: number;
}

export interface MovementCell {
  /** `new`: not yet a customer at the earlier date. */
  from_recency: RfmRecencyBand | 'new';
  from_frequency: RfmFrequencyBand | null;
  to_recency: RfmRecencyBand;
  to_frequency: RfmFrequencyBand;
  customers: number;
}

/** How the customers of D's matrix stood at an earlier date; `cells` sum to `population`. */
export interface Movement {
  from_as_of: string;
  population: number;
  /** Customers at the earlier date whose every order has since been removed (refunded, cancelled). */
  departed: number;
  cells: MovementCell[];
}

/** `tessera rfm --json` and `GET /api/v1/rfm` (product.md's shape, plus share and movement). */
export interface RfmReport {
  as_of: string;
  customers: RfmCustomer[];
  segments: RfmSegmentSummary[];
  matrix: MatrixCell[];
  movement: { year: Movement; month: Movement };
}

export interface Cohort {
  /** YYYY-MM of the first order (or, grouped by source, the acquisition source). */
  cohort: string;
  size: number;
  /** Per month offset k = 0, 1, …: customers with an order in month cohort + k; null after the last month with data. */
  customers: (number | null)[];
  /** Percent of the cohort with an order in month cohort + k (0–100). */
  retention: (number | null)[];
  /** The cohort's revenue in month cohort + k. */
  revenue: (number | null)[];
}

export interface SourceCohort extends Cohort {
  /** Per month offset k: customers who have lived month first order + k; the denominator of `retention`. */
  eligible: (number | null)[];
}

/** `tessera cohorts --json` and `GET /api/v1/cohorts`. */
export type CohortReport =
  | {
      /** The last day with data: its month is the last column that is not null. */
      as_of: string;
      cohort_by: 'first_order_month';
      cohorts: Cohort[];
    }
  | {
      as_of: string;
      cohort_by: 'source';
      /** One row per acquisition source; month offsets count from each customer's first order. */
      cohorts: SourceCohort[];
    };

/** A member of a segment as its pages and exports list it. */
export interface SegmentMember {
  customer_id: string;
  email: string | null;
}

/** `segments members ID --json`, `GET /api/v1/segments/:id/members`: a page of members; `customers` counts them all. */
export interface SegmentMembersReport {
  segment: string;
  as_of: string;
  customers: number;
  members: SegmentMember[];
}

/** What `segments show ID --json` and `GET /api/v1/segments/:id` add to the stored definition: its size at a day's end, or now. */
export interface SegmentSize {
  as_of: string;
  customers: number;
}
